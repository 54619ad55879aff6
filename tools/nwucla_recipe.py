"""N-UCLA cross-view recipe in one command: convert, train, distil, test.

    python tools/nwucla_recipe.py --preset cpu --work-dir work_dirs/nwucla_cpu
        [--streams j,b,jm] [--models baseline,teacher,student]
        [--online-teacher] [--jobs 2] [--reuse]
        [--src ../shared/data/nwucla/all_sqe.tar.xz]
        [--data data/nwucla/nwucla.pkl]

1. converts the N-UCLA JSON archive to ``--data`` when it is absent;
2. for every stream (joint ``j``, bone ``b``, joint motion ``jm``, bone
   motion ``bm``, or several joined by ``+``, one early-fused model on
   their concatenated channels): trains the single-view ST-GCN++
   baseline on v01+v02, the multi-view teacher on v01+v02 of each
   recording together, caches the teacher's outputs on every training
   recording (``tools/cache_teacher.py``; ``--online-teacher`` runs the
   teacher in every step instead) and trains the single-view student
   distilled from it (the student's time includes the caching; the CPU
   preset's student starts from the teacher's backbone,
   ``init_student_from_teacher``).
   Independent runs go side by side, ``--jobs`` at a time (default 2 on
   2+ cores): every baseline and teacher, and each stream's student as
   soon as its own teacher has ended;
3. tests each model single-view on v03 (its last checkpoint) and, with more
   than one stream, fuses the streams' scores (equal weights);
4. writes ``report.md``, ``results.json`` and the student's per-class
   confusion plot into the work dir and prints the table.

Every finished run leaves ``recipe_result.json`` (top-1, seconds, config
digest) beside its ``test_preds.pkl``. With ``--reuse`` a run whose config
is unchanged (and, for a student, whose teacher checkpoint is the same
file) is read back instead of trained: ``--streams j,b,jm --reuse`` after
a joint run trains the bone and motion streams only, and the report's
times still sum every stream.

``--preset cpu`` uses the ``*_nwucla_xview_cpu.py`` configs (2-core
machine), ``--preset gpu`` the full-size ``*_nwucla_xview.py`` ones.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.apis import (STREAMS, config_digest,  # noqa: E402
                             last_checkpoint, load_experiment_cfg,
                             read_run_result, set_stream,
                             train_and_test_jobs, write_run_result)
from kdmvnet_mm.datasets.converters import (NWUCLA_CLASSES,  # noqa: E402
                                            convert_nwucla)
from kdmvnet_mm.evaluation import (fuse_scores, fusion_report,  # noqa: E402
                                   load_predictions)
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from kdmvnet_mm.visualization import (confusion_matrix,  # noqa: E402
                                      plot_confusion)
from tools.cache_teacher import (cache_for_student,  # noqa: E402
                                 cache_options)

CONFIGS = dict(
    baseline='configs/baselines/stgcnpp_nwucla_xview{}.py',
    teacher='configs/kdmvnet/teacher_nwucla_xview{}.py',
    student='configs/kdmvnet/student_nwucla_xview{}.py')
# what a finished run leaves in its work dir, for --reuse
RESULT = 'recipe_result.json'
# Published single-view top-1 on v03 (DESIGN.md §6).
ANCHORS = (('CTR-GCN', 96.5), ('InfoGCN', 97.0), ('KD-MVNet', 97.0),
           ('SkateFormer', 98.3))


def model_cfg(stream, model, args, suffix, opts):
    wd = osp.join(args.work_dir, stream, model)
    cfg = load_experiment_cfg(CONFIGS[model].format(suffix), wd,
                              f'nwucla_{stream}_{model}', args.data, opts,
                              seed=args.seed, epochs=args.epochs)
    set_stream(cfg, stream.split('+'))
    return cfg


def teacher_stamp(teacher_dir):
    """The teacher checkpoint a student learns from, and when it was
    written: a retrained teacher makes its old students stale."""
    ckpt = last_checkpoint(teacher_dir)
    return f'{ckpt}@{os.stat(ckpt).st_mtime_ns}'


def finished_run(cfg, upstream):
    """The result an earlier recipe run left in ``cfg.work_dir`` for this
    very config (and, for a student, the same teacher checkpoint), or None
    when there is none or it is stale."""
    if not osp.isfile(osp.join(cfg.work_dir, 'test_preds.pkl')):
        return None
    return read_run_result(osp.join(cfg.work_dir, RESULT), cfg,
                           upstream=upstream)


def train_all(runs, args):
    """Train and test ``runs`` ([(stream, model, cfg, cache)]), ``args.jobs``
    at a time, a student as soon as its stream's teacher ends. ``cache``,
    when given, is the ``(teacher cfg, teacher dir)`` to cache in the
    student's process before it trains; its seconds count as the
    student's. With ``args.reuse`` a run finished before on the same
    config (a student: from the same teacher checkpoint) is read back
    instead. Returns {(stream, model): result}."""
    def upstream(stream, model):  # what a student's result depends on
        return None if model != 'student' else teacher_stamp(
            osp.join(args.work_dir, stream, 'teacher'))

    out, todo = {}, []
    for stream, model, cfg, cache in runs:
        # a teacher trained now makes its student's earlier run stale
        fresh_teacher = any(t[:2] == (stream, 'teacher') for t in todo)
        if args.reuse and not fresh_teacher:
            prev = finished_run(cfg, upstream(stream, model))
            if prev is not None:
                out[stream, model] = dict(prev,
                                          epochs=cfg.train_cfg.max_epochs)
                print(f'[nwucla] {stream}/{model}: reused {cfg.work_dir} '
                      f'(v03 top-1 {prev["top1"]:.1f}, '
                      f'{prev["train_s"]:.0f} s)', flush=True)
                continue
        todo.append((stream, model, cfg, cache))
    if not todo:
        return out
    index = {(s, m): i for i, (s, m, _, _) in enumerate(todo)}
    jobs = [dict(cfg=cfg, split='xview_val',
                 dump=osp.join(cfg.work_dir, 'test_preds.pkl'),
                 after=[index[s, 'teacher']] if m == 'student'
                 and (s, 'teacher') in index else [],
                 prepare=(cache_for_student, cache) if cache else None)
            for s, m, cfg, cache in todo]
    digests = [config_digest(cfg) for _, _, cfg, _ in todo]

    def save(i, res):  # as each run ends: a later failure keeps it
        stream, model, cfg, _ = todo[i]
        res = write_run_result(
            osp.join(cfg.work_dir, RESULT), digests[i],
            dict(top1=res['top1']['C3'],
                 train_s=res['train_s'] + res['prepare_s']),
            upstream=upstream(stream, model))
        out[stream, model] = dict(res, epochs=cfg.train_cfg.max_epochs)
        print(f'[nwucla] {stream}/{model}: v03 top-1 {res["top1"]:.1f} '
              f'({res["train_s"]:.0f} s)', flush=True)

    print('[nwucla] training ' + ', '.join(f'{s}/{m}' for s, m, *_ in todo)
          + f' ({args.jobs} at a time; a student when its teacher ends)',
          flush=True)
    train_and_test_jobs(jobs, workers=args.jobs, on_done=save)
    return out


def run_streams(streams, models, args, suffix):
    """Every stream's baseline and teacher, and its student (from that
    teacher, cached unless ``--online-teacher``); {(stream, model):
    result}."""
    cfgs = {(s, m): model_cfg(s, m, args, suffix, {})
            for s in streams for m in models if m != 'student'}
    runs = [(s, m, cfg, None) for (s, m), cfg in cfgs.items()]
    for stream in streams if 'student' in models else []:
        teacher_dir = osp.join(args.work_dir, stream, 'teacher')
        if args.online_teacher:
            opts, cache = {'model.teacher_ckpt': teacher_dir}, None
        else:
            opts = cache_options(teacher_dir)
            teacher_cfg = cfgs.get((stream, 'teacher')) or model_cfg(
                stream, 'teacher', args, suffix, {})
            cache = (teacher_cfg, teacher_dir)
        runs.append((stream, 'student',
                     model_cfg(stream, 'student', args, suffix, opts), cache))
    return train_all(runs, args)


def fuse(streams, model, args):
    paths = [osp.join(args.work_dir, s, model, 'test_preds.pkl')
             for s in streams]
    scores, labels, _ = fuse_scores([load_predictions(p) for p in paths],
                                    [1.0] * len(paths), apply_softmax=True,
                                    paths=paths)
    return scores, labels


def write_report(path, rows, streams, preset, jobs):
    head = ['model', 'epochs'] + [f'{s} top-1' for s in streams]
    if len(streams) > 1:
        head.append('fused top-1')
    head.append('train time')
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + ' --- |' * len(head)]
    for model, r in rows.items():
        # the models' budgets differ (CPU preset: 12-epoch baseline and
        # teacher, 36-epoch student), so the table says them
        cells = [model, str(r[streams[0]]['epochs'])] + [
            f'{r[s]["top1"]:.1f}' for s in streams]
        if len(streams) > 1:
            cells.append(f'{r["fused"]:.1f}')
        cells.append(f'{sum(r[s]["train_s"] for s in streams) / 60:.1f} min')
        lines.append('| ' + ' | '.join(cells) + ' |')
    anchors = ', '.join(f'{n} {a}' for n, a in ANCHORS)
    text = [f'# N-UCLA cross-view ({preset} preset)', '',
            'Single-view top-1 (%) on v03; trained on v01+v02. Train time '
            'sums the streams; independent runs trained side by side '
            f'({jobs} at a time).', ''] + lines + [
                '', f'Published single-view top-1: {anchors}.', '',
                '![student confusion](student_confusion.png)', '']
    with atomic_write(path, 'w') as f:
        f.write('\n'.join(text))
    return '\n'.join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--preset', choices=('cpu', 'gpu'), default='cpu')
    p.add_argument('--work-dir', default=None)
    p.add_argument('--streams', default='j',
                   help=f'comma-separated, from {STREAMS}; streams joined '
                   'by + make one early-fused stream, e.g. j+b+jm: one '
                   'model on their concatenated channels')
    p.add_argument('--models', default='baseline,teacher,student')
    p.add_argument('--src', default='../shared/data/nwucla/all_sqe.tar.xz')
    p.add_argument('--data', default='data/nwucla/nwucla.pkl')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--jobs', type=int, default=min(2, os.cpu_count() or 1),
                   help='runs side by side, one process each (the '
                   'baselines and teachers; a student as soon as its '
                   'teacher ends)')
    p.add_argument('--online-teacher', action='store_true',
                   help='run the teacher in every student step instead of '
                   'caching it once (exact under augmentation, slower)')
    p.add_argument('--reuse', action='store_true',
                   help='read back a run that an earlier call finished on '
                   'the same config (a student: and the same teacher '
                   'checkpoint) instead of training it again, e.g. a '
                   'joint run before --streams j,b,jm')
    p.add_argument('--epochs', type=int, default=None,
                   help='override the presets\' epochs (quick checks; '
                   'the cosine schedule is fitted to them, a warm-up '
                   'keeps its length)')
    args = p.parse_args(argv)
    args.work_dir = args.work_dir or f'work_dirs/nwucla_{args.preset}'
    streams = args.streams.split(',')
    models = args.models.split(',')
    bad = [m for m in models if m not in CONFIGS]
    if bad or any(f not in STREAMS for s in streams for f in s.split('+')):
        p.error(f'models from {sorted(CONFIGS)}, streams from {STREAMS}')
    if 'student' in models and 'teacher' not in models and not all(
            osp.isfile(osp.join(args.work_dir, s, 'teacher',
                                'last_checkpoint')) for s in streams):
        p.error('the student needs each stream\'s teacher: add teacher to '
                '--models or train it into <work-dir>/<stream>/teacher')
    os.makedirs(args.work_dir, exist_ok=True)
    if not osp.isfile(args.data):
        print(f'[nwucla] converting {args.src} -> {args.data}', flush=True)
        convert_nwucla(args.src, args.data, progress=True)

    suffix = '_cpu' if args.preset == 'cpu' else ''
    t0 = time.time()
    results = run_streams(streams, models, args, suffix)
    rows = {m: {s: results[s, m] for s in streams} for m in models}
    # One stream's scores pass through unchanged (softmax keeps the argmax).
    fused = {m: fuse(streams, m, args) for m in models}
    if len(streams) > 1:
        for m in models:
            rows[m]['fused'] = fusion_report(*fused[m])['top1']
    if 'student' in models:
        scores, labels = fused['student']
        plot_confusion(
            confusion_matrix(labels, scores.argmax(1), len(NWUCLA_CLASSES)),
            osp.join(args.work_dir, 'student_confusion.png'),
            f'student on v03 ({"+".join(streams)})', NWUCLA_CLASSES)
    table = write_report(osp.join(args.work_dir, 'report.md'), rows,
                         streams, args.preset, args.jobs)
    with atomic_write(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump({m: {s: (r if isinstance(r, float) else
                           {k: r[k] for k in ('top1', 'train_s', 'epochs')})
                       for s, r in row.items()}
                   for m, row in rows.items()}, f, indent=1)
    print('\n' + table)
    print(f'\n[nwucla] {time.time() - t0:.0f} s in all; report in '
          f'{osp.join(args.work_dir, "report.md")}')


if __name__ == '__main__':
    main()
