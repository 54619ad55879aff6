"""Classify one skeleton file with the exported ONNX student.

    python tools/deployment/infer.py STUDENT.onnx CONFIG SKELETON
        [--sample NAME_OR_INDEX] [--classes ntu60|ntu120|nwucla|synthetic|FILE]
        [--topk 5]

SKELETON is an NTU ``.skeleton``, an N-UCLA ``.json`` or a skeleton pickle
(``--sample`` picks the entry). CONFIG (the student config) gives the test
pipeline, which turns the skeleton into the clips the model takes; their
probabilities are averaged, as mmaction2's ``average_clips='prob'``.
Prints the top-k classes with their names.
"""
import argparse
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.datasets.class_names import class_names  # noqa: E402
from kdmvnet_mm.deployment import onnx_scores, onnx_session  # noqa: E402
from kdmvnet_mm.deployment.skeleton_input import (  # noqa: E402
    load_skeleton_sample, pipeline_input)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('onnx', help='exported student (.onnx)')
    p.add_argument('config', help='student config (its test pipeline)')
    p.add_argument('skeleton', help='.skeleton, .json or .pkl file')
    p.add_argument('--sample', help='pickle entry: frame_dir or index')
    p.add_argument('--classes', help='class-name table or file (default: '
                   'from the class count)')
    p.add_argument('--topk', type=int, default=5)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    session = onnx_session(args.onnx)
    j = session.get_inputs()[0].shape[3]
    anno = load_skeleton_sample(args.skeleton, args.sample,
                                j if isinstance(j, int) else None)
    x, _ = pipeline_input(anno, cfg)
    scores = onnx_scores(session, x).mean(axis=0)
    names = class_names(len(scores), args.classes)
    top = np.argsort(-scores)[:args.topk]
    label = anno.get('label')
    print(f'{anno["frame_dir"]}: {x.shape[0]} clip(s) of {x.shape[1:]}' +
          (f', labelled {label} ({names[label]})'
           if label is not None and 0 <= label < len(names) else ''))
    for rank, k in enumerate(top, 1):
        print(f'{rank}. {k:3d} {names[k]:<40s} {scores[k]:.3f}')
    return [(int(k), names[k], float(scores[k])) for k in top]


if __name__ == '__main__':
    main()
