"""Fuse the class scores of several test runs (joint / bone / motion streams).

    python tools/test.py CFG_J CKPT_J --dump j.pkl     # one run per stream
    python tools/analysis/fuse_scores.py --preds j.pkl b.pkl jm.pkl \
        --weights 1 1 0.5 [--apply-softmax] [--out fused.json]

Every ``--preds`` file is a pickle written by mmengine's ``DumpResults``
(``tools/test.py --dump``) over the same samples in the same order; the
scores are summed with ``--weights`` (default 1 each), after a softmax per
stream with ``--apply-softmax``.  Prints top-1 / top-5 / mean class
accuracy (percent) of each stream and of the fusion as a markdown table;
``--out`` also writes them to a json file (written atomically).  Works for
baseline, teacher and student runs alike.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(
    0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.evaluation import (fuse_scores, fusion_report,  # noqa: E402
                                   load_predictions)
from kdmvnet_mm.utils import atomic_write  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--preds', nargs='+', required=True,
                   help='DumpResults pickles, one per stream')
    p.add_argument('--weights', nargs='+', type=float, default=None,
                   help='one weight per --preds file (default: 1 each)')
    p.add_argument('--apply-softmax', action='store_true',
                   help='softmax each stream\'s scores before weighting')
    p.add_argument('--out', help='write the figures to this json file')
    args = p.parse_args(argv)
    weights = args.weights or [1.0] * len(args.preds)
    if len(weights) != len(args.preds):
        p.error(f'{len(args.preds)} --preds files but {len(weights)} '
                '--weights')

    pred_lists = [load_predictions(path) for path in args.preds]
    streams = []
    for path, preds, w in zip(args.preds, pred_lists, weights):
        scores, labels, _ = fuse_scores([preds], [1.0], paths=[path])
        streams.append(dict(path=path, weight=w,
                            **fusion_report(scores, labels)))
    scores, labels, _ = fuse_scores(pred_lists, weights,
                                    apply_softmax=args.apply_softmax,
                                    paths=args.preds)
    fused = dict(fusion_report(scores, labels), num_samples=len(labels),
                 num_classes=int(scores.shape[1]),
                 apply_softmax=args.apply_softmax, weights=weights)

    lines = ['| stream | weight | top-1 | top-5 | mean class acc |',
             '| --- | --- | --- | --- | --- |']
    for s in streams:
        lines.append(f'| {s["path"]} | {s["weight"]:g} | {s["top1"]:.2f} '
                     f'| {s["top5"]:.2f} | {s["mean_class_acc"]:.2f} |')
    lines.append(f'| **fused** | | {fused["top1"]:.2f} | '
                 f'{fused["top5"]:.2f} | {fused["mean_class_acc"]:.2f} |')
    table = '\n'.join(lines)
    print(table)
    result = dict(streams=streams, fused=fused)
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    main()
