"""MMCV linear evaluation, pretrained against randomly initialised encoders.

    python tools/analysis/mmcv_linear_eval.py \\
        --pretrain configs/mmcv_ssl/mmcv_pretrain_synthetic_xview_cpu.py \\
        --linear configs/mmcv_ssl/mmcv_linear_synthetic_xview_cpu.py \\
        --work-dir work_dirs/mmcv_linear_eval [--seed 0] [--skip-pretrain]
        [--pretrain-options k=v ...] [--linear-options k=v ...]

1. Pretrains ``--pretrain`` (tools/train.py's config handling) into
   ``WORK_DIR/pretrain`` (``--skip-pretrain`` reuses a finished one).
2. For the pretrained encoders and for randomly initialised ones (the
   same config with ``model.backbone.checkpoint=None``), and for each
   stream (joint, motion, bone): trains the linear-evaluation config
   ``--linear`` with the same schedule and seed in
   ``WORK_DIR/linear_<init>_<stream>``, then tests it, dumping the class
   scores (mmengine's ``DumpResults``) to ``.../scores.pkl``.
3. Prints a markdown table of top-1 (percent) for the joint stream alone
   and for the 3-stream average (:func:`kdmvnet_mm.evaluation.fuse_scores`,
   equal weights, on the softmax scores of mmaction2's ``GCNHead``), and
   writes it with the wall times to ``WORK_DIR/summary.json``.
"""
import argparse
import json
import os.path as osp
import sys
import time

sys.path.insert(
    0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.evaluation import (fuse_scores, fusion_report,  # noqa: E402
                                   load_predictions)
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from tools import train as train_tool  # noqa: E402

STREAMS = ('joint', 'motion', 'bone')


def build_cfg(config, work_dir, seed, options):
    args = train_tool.parse_args(
        [config, '--work-dir', work_dir, '--seed', str(seed)] +
        (['--cfg-options'] + list(options) if options else []))
    return train_tool.merge_args(Config.fromfile(config), args)


def linear_eval(config, work_dir, seed, stream, checkpoint, options):
    """Train and test one stream; returns the path of the dumped scores."""
    cfg = build_cfg(config, work_dir, seed, options)
    cfg.model.backbone.stream = stream
    cfg.model.backbone.checkpoint = checkpoint
    out = osp.join(work_dir, 'scores.pkl')
    cfg.test_evaluator = list(cfg.test_evaluator) + [
        dict(type='DumpResults', out_file_path=out)]
    runner = Runner.from_cfg(cfg)
    runner.train()
    runner.test()
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--pretrain', required=True, help='pretraining config')
    p.add_argument('--linear', required=True, help='linear-eval config')
    p.add_argument('--work-dir', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--skip-pretrain', action='store_true',
                   help='reuse WORK_DIR/pretrain')
    p.add_argument('--pretrain-options', nargs='+', default=(),
                   help='cfg options of the pretraining run, k=v')
    p.add_argument('--linear-options', nargs='+', default=(),
                   help='cfg options of every linear-eval run, k=v')
    args = p.parse_args(argv)

    times = {}
    pre_dir = osp.join(args.work_dir, 'pretrain')
    if not args.skip_pretrain:
        t0 = time.time()
        cfg = build_cfg(args.pretrain, pre_dir, args.seed,
                        args.pretrain_options)
        Runner.from_cfg(cfg).train()
        times['pretrain_s'] = round(time.time() - t0, 1)
    rows = {}
    for init, ckpt in (('pretrained', pre_dir), ('random', None)):
        t0 = time.time()
        dumps = [
            linear_eval(args.linear,
                        osp.join(args.work_dir, f'linear_{init}_{s}'),
                        args.seed, s, ckpt, args.linear_options)
            for s in STREAMS
        ]
        times[f'linear_{init}_s'] = round(time.time() - t0, 1)
        preds = [load_predictions(d) for d in dumps]
        row = {}
        for s, pr in zip(STREAMS, preds):
            scores, labels, _ = fuse_scores([pr], [1.0])
            row[s] = fusion_report(scores, labels)['top1']
        scores, labels, _ = fuse_scores(preds, [1.0 / 3] * 3, paths=dumps)
        row['3-stream'] = fusion_report(scores, labels)['top1']
        rows[init] = row

    cols = list(STREAMS) + ['3-stream']
    lines = ['| encoder | ' + ' | '.join(cols) + ' |',
             '|---|' + '---:|' * len(cols)]
    for init, row in rows.items():
        lines.append(f'| {init} (frozen) | ' +
                     ' | '.join(f'{row[c]:.2f}' for c in cols) + ' |')
    table = '\n'.join(lines)
    print('\nlinear-eval top-1 (%)\n' + table)
    print('wall times (s): ' + json.dumps(times))
    with atomic_write(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(dict(top1=rows, wall_s=times, table=table), f, indent=1)
    return rows


if __name__ == '__main__':
    main()
