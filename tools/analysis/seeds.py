"""Baseline against teacher → student over training seeds, side by side.

    python tools/analysis/seeds.py --seeds 0,1,2 --work-dir work_dirs/seeds
        [--data data/synthetic/ntu_mv.pkl] [--jobs 2] [--threads N]
        [--epochs N] [--baseline CFG] [--teacher CFG] [--student CFG]

One run of ``make demo`` is one draw: on the synthetic held-out camera the
baseline alone moves by several points with the training seed. For every
seed S this trains the baseline and the teacher with ``randomness.seed=S``
and distils the teacher, cached (``tools/cache_teacher.py``), into a
student with the same seed: ``--jobs`` runs side by side, a student as soon
as its own teacher has ended. Every model is tested single view on each
camera of the held-out performers (last checkpoint, as in the demo).
Every run gets the same number of torch threads (``--threads``), a run
left alone at the end too: the thread count alone has moved a student's
camera-1 top-1 by 4.4 points, so a seed's figures must not depend on which
other seeds ran beside it.

It prints and writes ``<work-dir>/seeds.md``: top-1 per camera and seed,
the mean and sample standard deviation over seeds, and the paired
difference student − baseline per camera. Each finished run leaves
``result.json`` in its work dir, and a rerun reuses it, so an interrupted
study continues where it stopped; a teacher trained again retrains its
student, and a result from another config file, seed, thread count or
config content (``--epochs``, say) is refused before anything trains.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.apis import (config_digest, load_experiment_cfg,  # noqa: E402
                             read_run_result, threads_per_job,
                             train_and_test_jobs, write_run_result)
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from tools.cache_teacher import (cache_for_student,  # noqa: E402
                                 cache_options)

MODELS = ('baseline', 'teacher', 'student')
PRESETS = dict(
    baseline='configs/baselines/stgcnpp_synthetic_xview_cpu.py',
    teacher='configs/kdmvnet/teacher_synthetic_xview_cpu.py',
    student='configs/kdmvnet/student_synthetic_xview_cpu.py')


def mean_std(values):
    """Mean and sample standard deviation (0 for a single value)."""
    values = list(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), sd


def _seeds_cams(top1):
    seeds = sorted(top1['baseline'])
    return seeds, sorted(top1['baseline'][seeds[0]])


def _gain(top1, seed, cam):
    """Paired difference student − baseline of one seed on one camera."""
    return top1['student'][seed][cam] - top1['baseline'][seed][cam]


def summarise(top1):
    """``top1[model][seed] = {'C1': ..}`` → per model and camera the mean and
    sample std over seeds, and the same for the paired student − baseline
    difference: ``{'baseline': {'C1': (mean, sd)}, ..., 'gain': {..}}``."""
    seeds, cams = _seeds_cams(top1)
    out = {m: {c: mean_std(top1[m][s][c] for s in seeds) for c in cams}
           for m in MODELS}
    out['gain'] = {c: mean_std(_gain(top1, s, c) for s in seeds)
                   for c in cams}
    return out


def format_table(top1):
    """The per-seed table and its mean ± sd rows, as markdown lines."""
    seeds, cams = _seeds_cams(top1)
    head = ' | '.join(['seed'] + [f'{m} {"/".join(cams)}' for m in MODELS] +
                      [f'student − baseline {"/".join(cams)}'])
    lines = [f'| {head} |', '|' + ' --- |' * (len(MODELS) + 2)]

    def cells(vals, fmt='.1f'):
        return ' / '.join(f'{v:{fmt}}' for v in vals)

    for s in seeds:
        row = [str(s)] + [cells(top1[m][s][c] for c in cams) for m in MODELS]
        # signed: a loss must read as one
        row.append(cells((_gain(top1, s, c) for c in cams), '+.1f'))
        lines.append('| ' + ' | '.join(row) + ' |')
    summ = summarise(top1)
    for label, k in (('mean', 0), ('sample sd', 1)):
        row = [label] + [cells(summ[m][c][k] for c in cams)
                         for m in MODELS]
        row.append(cells((summ['gain'][c][k] for c in cams),
                         '+.1f' if k == 0 else '.1f'))
        lines.append('| ' + ' | '.join(row) + ' |')
    return lines


def result_path(cfg):
    return osp.join(cfg.work_dir, 'result.json')


def stamps(cfg, threads, **extra):
    """What a run's ``result.json`` must match besides the config digest:
    the config file, seed, thread count and a tool's own ``extra``."""
    return dict(config=cfg.filename, seed=cfg.randomness.seed,
                threads=threads, **extra)


def load_result(cfg, threads, **extra):
    """A finished run's result, refused when it came from another config,
    seed, thread count or ``extra`` stamp (a second study in the same work
    dir)."""
    return read_run_result(result_path(cfg), cfg, strict=True,
                           **stamps(cfg, threads, **extra))


def save_result(tool, cfg, digest, res, threads, **extra):
    """Write a run's ``result.json`` with its stamps; print its top-1."""
    write_run_result(result_path(cfg), digest, res,
                     **stamps(cfg, threads, **extra))
    print(f'[{tool}] {osp.basename(cfg.work_dir)}: camera top-1 '
          + ' / '.join(f'{v:.1f}' for _, v in sorted(res['top1'].items()))
          + f' ({res["train_s"]:.0f} s)', flush=True)


def add_study_args(p, work_dir):
    """The options of a study over seeds (also view_ceiling.py's)."""
    p.add_argument('--seeds', default='0,1,2',
                   help='comma-separated training seeds')
    p.add_argument('--work-dir', default=work_dir)
    p.add_argument('--data', default='data/synthetic/ntu_mv.pkl')
    p.add_argument('--jobs', type=int, default=min(2, os.cpu_count() or 1),
                   help='runs side by side, one process each')
    p.add_argument('--threads', type=int, default=None,
                   help='torch threads of every run, a lone last one too '
                   '(default: cpu count // --jobs)')
    p.add_argument('--epochs', type=int, default=None,
                   help='override every config\'s epochs (quick checks)')


def check_data(path):
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'--data {path}: no such annotation file (make it with '
            f'python tools/data/make_synthetic_multiview.py --out '
            f'{path} --seed 0)')


def plan(runs, threads):
    """``runs``: ``[(model, seed, cfg)]`` in order, a seed's teacher before
    its student. Every ``result.json`` already there is checked first (so a
    result from another study is refused before anything trains); returns
    the indices of the runs to train: those without a result, and the
    student of every teacher trained again (its result removed)."""
    todo, fresh_teachers = [], set()
    for i, (model, seed, cfg) in enumerate(runs):
        if model == 'student' and seed in fresh_teachers:
            if osp.isfile(result_path(cfg)):
                os.remove(result_path(cfg))  # from an older teacher
        elif load_result(cfg, threads) is not None:
            continue
        todo.append(i)
        if model == 'teacher':
            fresh_teachers.add(seed)
    return todo


def train_runs(runs, todo, workers, threads):
    """Train and test ``runs[i]`` for every i in ``todo``, ``workers`` at a
    time, each with ``threads`` torch threads; a student starts as soon as
    its own teacher has ended, after caching that teacher in the student's
    process. Each run's ``result.json`` is written as it ends, so a later
    failure keeps it."""
    if not todo:
        return
    print(f'[seeds] training {len(todo)} runs, {workers} at a time, a '
          'student when its teacher ends: '
          + ', '.join(osp.basename(runs[i][2].work_dir) for i in todo),
          flush=True)
    cfgs = {(m, s): c for m, s, c in runs}
    index = {(runs[i][0], runs[i][1]): k for k, i in enumerate(todo)}
    jobs = []
    for i in todo:
        model, seed, cfg = runs[i]
        job = dict(cfg=cfg)
        if model == 'student':
            t = cfgs['teacher', seed]
            job['prepare'] = (cache_for_student, (t, t.work_dir))
            if ('teacher', seed) in index:
                job['after'] = [index['teacher', seed]]
        jobs.append(job)
    digests = [config_digest(runs[i][2]) for i in todo]

    def save(k, res):
        save_result('seeds', runs[todo[k]][2], digests[k], res, threads)

    train_and_test_jobs(jobs, workers, threads, on_done=save)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_study_args(p, 'work_dirs/seeds')
    for m in MODELS:
        p.add_argument(f'--{m}', default=PRESETS[m],
                       help=f'{m} config (default: %(default)s)')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(',')]
    threads = args.threads or threads_per_job(args.jobs)
    check_data(args.data)

    def cfg(model, seed):
        return load_experiment_cfg(
            getattr(args, model),
            osp.join(args.work_dir, f'{model}_seed{seed}'),
            f'seeds_{model}_{seed}', args.data, seed=seed,
            epochs=args.epochs)

    runs = []
    for s in seeds:
        teacher, student = cfg('teacher', s), cfg('student', s)
        # the same options whether the cache is written now or not, so
        # that the config (and its digest) is the trained one
        student.merge_from_dict(cache_options(teacher.work_dir))
        runs += [('baseline', s, cfg('baseline', s)),
                 ('teacher', s, teacher), ('student', s, student)]
    train_runs(runs, plan(runs, threads), args.jobs, threads)
    top1 = {m: {} for m in MODELS}
    for m, s, c in runs:
        top1[m][s] = load_result(c, threads)['top1']

    table = format_table(top1)
    lines = [
        '# Baseline and teacher → student over training seeds', '',
        'Single-view top-1 (%) per camera of the held-out performers '
        f'(data `{args.data}`; camera 1 is the view training never saw). '
        'Configs: ' + ', '.join(f'{m} `{getattr(args, m)}`' for m in MODELS)
        + '.', ''
    ] + table
    with atomic_write(osp.join(args.work_dir, 'seeds.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with atomic_write(osp.join(args.work_dir, 'seeds.json'), 'w') as f:
        json.dump(dict(top1=top1, summary=summarise(top1)), f, indent=1)
    print('\n'.join(table))
    return top1


if __name__ == '__main__':
    main()
