"""`make demo`: KD-MVNet end to end on the embedded synthetic data (CPU).

    python tools/demo.py --work-dir work_dirs/demo [--seed 0]

1. writes the synthetic multi-view set (data/synthetic/ntu_mv.pkl) if absent;
2. trains the single-view ST-GCN++ baseline (cameras 2+3), the multi-view
   teacher (cameras 2+3 of each recording together) and the single-view
   student distilled from it, with the CPU presets. Baseline and teacher
   are independent and train side by side (``--jobs 2``, the default on 2+
   cores: one process and one torch thread each). The teacher's outputs
   are cached once (``tools/cache_teacher.py``) and the student trains from
   the cache (its time includes the caching);
3. tests the three on every camera of the held-out performers, single view
   (camera 1 was never seen in training), and the teacher on all views;
4. writes ``report.md``, ``per_camera_top1.png`` and the student's
   ``student_confusion.png`` into the work dir, and prints the table.

Each model is tested with its last checkpoint (the validation split is the
held-out camera, so picking the best epoch on it would peek at the test).
"""
import argparse
import json
import os
import os.path as osp
import pickle
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import numpy as np  # noqa: E402
import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.apis import (load_experiment_cfg,  # noqa: E402
                             test_all_views, train_and_test,
                             train_and_test_jobs)
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from kdmvnet_mm.visualization import (confusion_matrix,  # noqa: E402
                                      plot_confusion, plot_per_view_accuracy)
from tools.cache_teacher import cache_for_student  # noqa: E402

RUNS = [
    ('baseline', 'configs/baselines/stgcnpp_synthetic_xview_cpu.py'),
    ('teacher', 'configs/kdmvnet/teacher_synthetic_xview_cpu.py'),
    ('student', 'configs/kdmvnet/student_synthetic_xview_cpu.py'),
]


def write_report(path, rows, times, all_views, data_cmd, side_by_side):
    """Write report.md; return its table as text."""
    table = [
        '| model | C1 (held-out view) | C2 | C3 | all views | train time |',
        '| --- | --- | --- | --- | --- | --- |'
    ]
    for m, r in rows.items():
        av = f'{all_views[m]:.1f}' if m in all_views else ''
        cams = ' | '.join(f'{r.get(c, float("nan")):.1f}'
                          for c in ('C1', 'C2', 'C3'))
        table.append(f'| {m} | {cams} | {av} | {times[m]:.0f} s |')
    b, s = rows['baseline']['C1'], rows['student']['C1']
    t = rows['teacher']['C1']
    summary = (f'Student vs baseline on camera 1: {s - b:+.1f} points; '
               f'student vs teacher (single view, camera 1): {s - t:+.1f} '
               'points.')
    if side_by_side:
        summary += (' The baseline and the teacher trained side by side, '
                    'one process and one thread each.')
    lines = [
        '# KD-MVNet demo (synthetic xview, CPU presets)', '',
        'Single-view top-1 (%) on the held-out performers. Training saw '
        'cameras 2 and 3 only; camera 1 is the held-out view. "all views": '
        'the teacher given every camera of each test recording.', ''
    ] + table + [
        '', summary, '',
        'One run is one draw: with the training seed, and even with the '
        'number of torch threads, camera 1 moves by several points. '
        '`python tools/analysis/seeds.py --seeds 0,1,2` gives the mean and '
        'spread over seeds (README, "Synthetic multi-view data").', '',
        f'Data: `{data_cmd}`', '',
        '![per camera](per_camera_top1.png)', '',
        '![student confusion](student_confusion.png)', ''
    ]
    with atomic_write(path, 'w') as f:
        f.write('\n'.join(lines))
    return '\n'.join(table + ['', summary])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--work-dir', default='work_dirs/demo')
    p.add_argument('--data', default='data/synthetic/ntu_mv.pkl')
    p.add_argument('--seed', type=int, default=0, help='data seed')
    p.add_argument('--epochs', type=int, default=None,
                   help='override the presets\' epochs (quick checks)')
    p.add_argument('--jobs', type=int, default=min(2, os.cpu_count() or 1),
                   help='train the baseline and the teacher side by side, '
                   'one process each (1: one after the other)')
    args = p.parse_args(argv)
    wd = args.work_dir
    os.makedirs(wd, exist_ok=True)
    data_cmd = (f'python tools/data/make_synthetic_multiview.py --out '
                f'{args.data} --seed {args.seed}')
    if not osp.isfile(args.data):
        from kdmvnet_mm.datasets.synthetic import write_synthetic_multiview
        print(f'[demo] generating {args.data} (seed {args.seed})')
        write_synthetic_multiview(args.data, seed=args.seed)

    rows, times, all_views, cfgs = {}, {}, {}, {}
    t_start = time.time()
    for name, cfg_path in RUNS:
        cfgs[name] = load_experiment_cfg(cfg_path, osp.join(wd, name),
                                         f'demo_{name}', args.data,
                                         epochs=args.epochs)
    # baseline and teacher are independent: side by side with --jobs 2
    first = ('baseline', 'teacher')
    print(f'[demo] training {" and ".join(first)} ({args.jobs} at a time)',
          flush=True)
    results = dict(zip(first, train_and_test_jobs(
        [dict(cfg=cfgs[n], dump=osp.join(wd, n, 'test_preds.pkl'))
         for n in first], workers=args.jobs)))
    for name, res in results.items():
        rows[name], times[name] = res['top1'], res['train_s']
        print(f'[demo] {name}: trained in {times[name]:.0f} s, top-1 per '
              f'camera {rows[name]}', flush=True)
    all_views['teacher'] = test_all_views(
        cfgs['teacher'], results['teacher']['ckpt'],
        osp.join(wd, 'teacher', 'test_mv'), 'demo_teacher_test_mv')

    # the teacher runs once per training recording, not every step
    cache_opts, cache_s = cache_for_student(cfgs['teacher'],
                                            osp.join(wd, 'teacher'))
    cfgs['student'].merge_from_dict(cache_opts)
    print(f'[demo] training student: {RUNS[2][1]}', flush=True)
    res = train_and_test(cfgs['student'],
                         dump=osp.join(wd, 'student', 'test_preds.pkl'))
    rows['student'] = res['top1']
    times['student'] = res['train_s'] + cache_s
    print(f'[demo] student: trained in {times["student"]:.0f} s (teacher '
          f'cache included), top-1 per camera {rows["student"]}', flush=True)

    with open(osp.join(wd, 'student', 'test_preds.pkl'), 'rb') as f:
        preds = pickle.load(f)
    cam1 = [r for r in preds if 'C001' in r.get('frame_dir', '')]
    labels = [int(r['gt_label']) for r in cam1]
    guesses = [int(np.argmax(r['pred_score'])) for r in cam1]
    k = len(preds[0]['pred_score'])
    plot_confusion(
        confusion_matrix(labels, guesses, k),
        osp.join(wd, 'student_confusion.png'),
        'student, camera 1 (held out)')
    plot_per_view_accuracy(rows, osp.join(wd, 'per_camera_top1.png'),
                           'single-view top-1, held-out performers')
    table = write_report(
        osp.join(wd, 'report.md'), rows, times, all_views, data_cmd,
        args.jobs > 1)
    with atomic_write(osp.join(wd, 'results.json'), 'w') as f:
        json.dump(dict(top1=rows, all_views=all_views, train_s=times), f,
                  indent=1)
    print('\n' + table)
    print(f'\n[demo] report: {osp.join(wd, "report.md")} '
          f'({time.time() - t_start:.0f} s in all)')


if __name__ == '__main__':
    main()
