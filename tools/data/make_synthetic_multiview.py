"""Write a synthetic multi-view NTU-style 3D skeleton set.

Input: none (the data are simulated; see kdmvnet_mm/datasets/synthetic.py).
Output: an mmaction2 skeleton pickle ``{'split': {name: [frame_dir]},
'annotations': [{'frame_dir', 'label', 'keypoint' float32 [M, T, 25, 3],
'total_frames'}]}`` with NTU names ``SsssCcccPpppRrrrAaaa`` (camera C001 at
-45 deg, C002 at 0 deg, C003 at +45 deg) and the splits xsub_train,
xsub_val, xview_train (C2+C3, train performers), xview_val (C1, held-out
performers), xview_val_seen (C2+C3, held-out performers), c1, c2, c3.
Written atomically: on any error no file is left.

    python tools/data/make_synthetic_multiview.py \
        --out data/synthetic/ntu_mv.pkl --seed 0 \
        [--num-classes 20 --num-performers 20 --replications 2 --setups 2]

``--scores`` (ViCoKD's co-visibility) adds ``keypoint_score`` [M, T, 25]
per entry, the joint's reliability in that view (1 - the sensor model's
failure hazard); the keypoints are those written without it. mmaction2's
``GenSkeFeat`` refuses scores on 3D NTU data, so pipelines for this file
wrap it in ``KeepKeypointScore`` (configs/vicokd).

With ``--rgb`` (CMMVL), ``--out`` is a directory: every view is rendered
into a small MJPG video (``<out>/videos/<frame_dir>.avi``, ``--size``
pixels square) and ``<out>/rgbpose.pkl`` holds the 2D keypoints in pixels,
the video file names and the same splits (see
kdmvnet_mm/datasets/synthetic_rgb.py):

    python tools/data/make_synthetic_multiview.py --rgb \
        --out data/synthetic_rgb --seed 0
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from kdmvnet_mm.datasets.synthetic import (  # noqa: E402
    DEFAULTS, MAX_CLASSES, summarize, write_synthetic_multiview)
from kdmvnet_mm.datasets.synthetic_rgb import (  # noqa: E402
    write_synthetic_rgb_multiview)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Simulate a multi-view NTU-style 3D skeleton set.')
    p.add_argument('--out', default='data/synthetic/ntu_mv.pkl',
                   help='output pickle')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--num-classes', type=int,
                   default=DEFAULTS['num_classes'],
                   help=f'first K actions of the catalogue, 1..{MAX_CLASSES}')
    p.add_argument('--num-performers', type=int,
                   default=DEFAULTS['num_performers'],
                   help='performer ids 1..N (xsub train ids: NTU list)')
    p.add_argument('--replications', type=int,
                   default=DEFAULTS['num_replications'])
    p.add_argument('--setups', type=int, default=DEFAULTS['num_setups'])
    p.add_argument('--missing-view-prob', type=float,
                   default=DEFAULTS['missing_view_prob'],
                   help='share of recordings that lack one camera')
    p.add_argument('--min-frames', type=int, default=DEFAULTS['min_frames'])
    p.add_argument('--max-frames', type=int, default=DEFAULTS['max_frames'])
    p.add_argument('--scores', action='store_true',
                   help='also write keypoint_score [M, T, 25] (each '
                   'joint\'s reliability 1 - failure hazard); the keypoints '
                   'stay the same')
    p.add_argument('--rgb', action='store_true',
                   help='render videos and 2D keypoints into the --out dir')
    p.add_argument('--size', type=int, default=32,
                   help='--rgb: frame width and height in pixels')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    kw = dict(
        num_classes=args.num_classes,
        num_performers=args.num_performers,
        num_replications=args.replications,
        num_setups=args.setups,
        missing_view_prob=args.missing_view_prob,
        min_frames=args.min_frames,
        max_frames=args.max_frames)
    try:
        if args.rgb:
            data = write_synthetic_rgb_multiview(
                args.out, seed=args.seed, size=args.size, **kw)
        else:
            data = write_synthetic_multiview(
                args.out, seed=args.seed, scores=args.scores, **kw)
    except ValueError as e:
        sys.exit(f'make_synthetic_multiview: error: {e}')
    print(f'wrote {args.out} (seed {args.seed})')
    print(summarize(data))


if __name__ == '__main__':
    main()
