"""How unreliable each camera's joints are, per body side.

    python tools/data/make_synthetic_multiview.py --seed 0 --scores \\
        --out data/synthetic/ntu_mv_scores.pkl
    python tools/analysis/joint_reliability.py \\
        data/synthetic/ntu_mv_scores.pkl [--split xsub_train]
        [--key-parser ntu]

Reads ``keypoint_score`` [M, T, 25] of an NTU-layout skeleton pickle (the
synthetic generator's ``--scores`` writes each joint's reliability
``1 − failure hazard``; pose estimators write a confidence) and prints,
per camera and number of persons, the mean of ``1 − score`` over every
joint, over the left limbs and over the right limbs (arm with hand tip
and thumb, and leg). Persons whose keypoints are all zero (padding) are
left out. A camera whose training views never show failed limbs on one
side cannot teach a model what such failures look like.
"""
import argparse
import os.path as osp
import pickle
import sys
from collections import defaultdict

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

from kdmvnet_mm.datasets.recording_keys import KEY_PARSERS  # noqa: E402

# NTU joints, 0-based: left / right arm (with hand tip, thumb), then leg
LIMBS = dict(left=[4, 5, 6, 7, 21, 22, 12, 13, 14, 15],
             right=[8, 9, 10, 11, 23, 24, 16, 17, 18, 19])


def unreliability(path, split, key_parser='ntu'):
    """``{(camera, persons): dict(n=recordings, all=.., left=.., right=..)}``:
    means of ``1 − keypoint_score`` over the views of ``split``."""
    with open(path, 'rb') as f:
        data = pickle.load(f)
    if split not in data.get('split', {}):
        raise KeyError(f'{path}: field split has no {split!r}')
    names = set(data['split'][split])
    parse = KEY_PARSERS[key_parser]
    acc = defaultdict(lambda: defaultdict(list))
    for a in data['annotations']:
        if a['frame_dir'] not in names:
            continue
        if 'keypoint_score' not in a:
            raise KeyError(f'{path}: {a["frame_dir"]} has no field '
                           'keypoint_score (write the synthetic set with '
                           '--scores)')
        real = np.abs(a['keypoint']).reshape(len(a['keypoint']), -1).sum(1)
        h = 1.0 - np.asarray(a['keypoint_score'])[real > 0]
        r = acc[parse(a['frame_dir']).view, len(h)]
        r['all'].append(h.mean())
        for side, joints in LIMBS.items():
            r[side].append(h[..., joints].mean())
    return {k: dict(n=len(v['all']), **{s: float(np.mean(x))
                                        for s, x in v.items()})
            for k, v in sorted(acc.items())}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('data')
    p.add_argument('--split', default='xsub_train')
    p.add_argument('--key-parser', default='ntu', choices=sorted(KEY_PARSERS))
    args = p.parse_args(argv)
    rows = unreliability(args.data, args.split, args.key_parser)
    lines = ['| camera | persons | views | all joints | left limbs | '
             'right limbs |', '|' + ' --- |' * 6]
    for (cam, m), r in rows.items():
        lines.append(f'| C{cam} | {m} | {r["n"]} | {r["all"]:.3f} | '
                     f'{r["left"]:.3f} | {r["right"]:.3f} |')
    print('\n'.join(lines))
    return rows


if __name__ == '__main__':
    main()
