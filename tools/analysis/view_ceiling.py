"""How close does a model that never saw camera 1 get to one that did?

    python tools/analysis/view_ceiling.py --seeds 0,1,2 \\
        --work-dir work_dirs/view_ceiling [--data data/synthetic/ntu_mv.pkl]
        [--cameras 2,3 1,2,3] [--config CFG] [--jobs 2] [--threads N]
        [--epochs N] [--key-parser ntu]

For every camera set and seed this trains one single-view config (the
synthetic baseline by default) on the views of those cameras among the
training performers (``--train-split``), and tests it single view on every
camera of the held-out performers (``--test-split``). Only the training
views change: model, schedule, seed and thread count are the same.

With the default sets, ``2,3`` is the cross-view baseline (the xview
protocol's training views) and ``1,2,3`` an in-view reference: the same
model trained on the same performers with camera 1's views added. The
paired gap between the two on camera 1 is what the missing view costs a
model of this size and schedule, the room a student distilled without
camera 1 has to close. ``1`` alone (``--cameras 2,3 1,2,3 1``) shows how
far training on the held-out view transfers the other way.

The training splits are written as extra splits (``<train-split>_cams1``
...) into a copy of ``--data`` in the work dir; the source file is not
changed. Each run leaves ``result.json`` and a rerun reuses it (refused
when it came from another config, seed, thread count or camera set).
Prints and writes ``<work-dir>/view_ceiling.md`` and ``.json``: top-1 per
camera, mean and sample sd over seeds, and each set's paired difference to
the first set.
"""
import argparse
import json
import os.path as osp
import pickle
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.apis import (config_digest, load_experiment_cfg,  # noqa: E402
                             threads_per_job, train_and_test_jobs)
from kdmvnet_mm.datasets.recording_keys import KEY_PARSERS  # noqa: E402
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from tools.analysis.seeds import (add_study_args, check_data,  # noqa: E402
                                  load_result, mean_std, save_result)

DEFAULT_CONFIG = 'configs/baselines/stgcnpp_synthetic_xview_cpu.py'


def parse_cameras(text):
    """``'2,3'`` → ``(2, 3)``: a sorted set of distinct camera ids."""
    try:
        cams = sorted({int(c) for c in text.split(',')})
    except ValueError:
        raise ValueError(f'--cameras {text!r}: expected comma-separated '
                         'camera ids such as 2,3')
    return tuple(cams)


def set_name(cams):
    return 'cams' + '_'.join(str(c) for c in cams)


def write_camera_splits(src, dst, train_split, camera_sets, key_parser):
    """Copy the annotation pickle ``src`` to ``dst`` with one extra split
    per camera set: the names of ``train_split`` filmed by those cameras
    (in the split's order). A set with no sample is an error naming the
    file and the split."""
    with open(src, 'rb') as f:
        data = pickle.load(f)
    splits = data.get('split') if isinstance(data, dict) else None
    if not isinstance(splits, dict) or train_split not in splits:
        raise KeyError(f'{src}: field split has no {train_split!r} '
                       f'(has {sorted(splits or {})})')
    parse = KEY_PARSERS[key_parser]
    names = splits[train_split]
    view = {n: parse(n).view for n in names}
    for cams in camera_sets:
        kept = [n for n in names if view[n] in cams]
        if not kept:
            raise ValueError(
                f'{src}: split {train_split!r} has no sample of cameras '
                f'{list(cams)} (its cameras: {sorted(set(view.values()))})')
        splits[f'{train_split}_{set_name(cams)}'] = kept
    with atomic_write(dst) as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {cams: len(splits[f'{train_split}_{set_name(cams)}'])
            for cams in camera_sets}


def format_table(top1, sets):
    """``top1[set_name(cams)][seed] = {'C1': ..}`` for camera sets ``sets``
    → (markdown lines, summary, diffs): per seed, the mean and sample sd
    over seeds, and each set minus the first, paired by seed."""
    keys = [set_name(c) for c in sets]
    seeds = sorted(top1[keys[0]])
    cams = sorted(top1[keys[0]][seeds[0]])
    names = ['trained on ' + '+'.join(f'C{c}' for c in s) for s in sets]
    head = ['seed'] + [f'{n} {"/".join(cams)}' for n in names]
    lines = ['| ' + ' | '.join(head) + ' |', '|' + ' --- |' * len(head)]

    def cells(vals):
        return ' / '.join(f'{v:.1f}' for v in vals)

    for s in seeds:
        lines.append('| ' + ' | '.join(
            [str(s)] + [cells(top1[k][s][c] for c in cams)
                        for k in keys]) + ' |')
    summary = {k: {c: mean_std(top1[k][s][c] for s in seeds) for c in cams}
               for k in keys}
    for label, i in (('mean', 0), ('sample sd', 1)):
        lines.append('| ' + ' | '.join(
            [label] + [cells(summary[k][c][i] for c in cams)
                       for k in keys]) + ' |')
    diffs = {k: {c: mean_std(top1[k][s][c] - top1[keys[0]][s][c]
                             for s in seeds) for c in cams}
             for k in keys[1:]}
    if diffs:
        lines += ['', '| paired difference, mean ± sample sd | '
                  + ' | '.join(cams) + ' |', '|' + ' --- |' * (len(cams) + 1)]
        for n, k in zip(names[1:], keys[1:]):
            lines.append(f'| {n} − {names[0]} | ' + ' | '.join(
                f'{diffs[k][c][0]:+.1f} ± {diffs[k][c][1]:.1f}'
                for c in cams) + ' |')
    return lines, summary, diffs


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_study_args(p, 'work_dirs/view_ceiling')
    p.add_argument('--config', default=DEFAULT_CONFIG,
                   help='single-view config (default: %(default)s)')
    p.add_argument('--cameras', nargs='+', default=['2,3', '1,2,3'],
                   help='camera sets, one run per set and seed; the first '
                   'is the one the others are compared with')
    p.add_argument('--train-split', default='xsub_train')
    p.add_argument('--test-split', default='xsub_val')
    p.add_argument('--key-parser', default='ntu',
                   choices=sorted(KEY_PARSERS))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(',')]
    sets = [parse_cameras(c) for c in args.cameras]
    if len(set(sets)) != len(sets):
        raise ValueError(f'--cameras {args.cameras}: a set is repeated')
    threads = args.threads or threads_per_job(args.jobs)
    check_data(args.data)
    ann = osp.join(args.work_dir, 'annotations.pkl')
    sizes = write_camera_splits(args.data, ann, args.train_split, sets,
                                args.key_parser)
    print('[view_ceiling] training views: ' + ', '.join(
        f'{set_name(c)} {n}' for c, n in sizes.items()), flush=True)

    runs = []
    for cams in sets:
        for s in seeds:
            name = f'{set_name(cams)}_seed{s}'
            cfg = load_experiment_cfg(
                args.config, osp.join(args.work_dir, name),
                f'view_ceiling_{name}', ann, seed=s, epochs=args.epochs)
            cfg.train_dataloader.dataset.split = \
                f'{args.train_split}_{set_name(cams)}'
            runs.append((cams, s, cfg))

    def load(cams, cfg):
        return load_result(cfg, threads, cameras=list(cams))

    todo = [i for i, (cams, _, cfg) in enumerate(runs)
            if load(cams, cfg) is None]  # every old result checked first
    digests = {i: config_digest(runs[i][2]) for i in todo}

    def save(k, res):
        cams, _, cfg = runs[todo[k]]
        save_result('view_ceiling', cfg, digests[todo[k]], res, threads,
                    cameras=list(cams))

    if todo:
        train_and_test_jobs(
            [dict(cfg=runs[i][2], split=args.test_split) for i in todo],
            args.jobs, threads, on_done=save)
    top1 = {set_name(c): {} for c in sets}
    for cams, s, cfg in runs:
        top1[set_name(cams)][s] = load(cams, cfg)['top1']

    table, summary, diffs = format_table(top1, sets)
    lines = [
        '# Training views against single-view top-1 per camera', '',
        f'Config `{args.config}`, data `{args.data}`: trained on the views '
        f'of each camera set in `{args.train_split}`, tested single view on '
        f'every camera of `{args.test_split}`.', ''
    ] + table
    with atomic_write(osp.join(args.work_dir, 'view_ceiling.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with atomic_write(osp.join(args.work_dir, 'view_ceiling.json'),
                      'w') as f:
        json.dump(dict(top1=top1, summary=summary, diff_to_first=diffs),
                  f, indent=1)
    print('\n'.join(table))
    return top1


if __name__ == '__main__':
    main()
