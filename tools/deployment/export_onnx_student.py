"""Export the deployable student to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx_student.py CONFIG CKPT \
        --out student.onnx
        [--shape M T J C] [--opset 17] [--atol 1e-4] [--repeats 20]

CONFIG is the plain student config written by ``tools/extract_student.py``
(a distillation config works too: its student is taken); CKPT the student
checkpoint (or the distillation checkpoint). The graph takes one view's
clips ``keypoint [B, M, T, J, C]`` and returns class probabilities
``scores [B, K]``. The tool runs onnxruntime and PyTorch on the same random
clips, prints the max abs difference (and fails above ``--atol``), then the
batch-1 latency of both. The ONNX file is only written when the export
succeeds; it is removed again when the check fails.
"""
import argparse
import os
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.deployment import (OPSET, build_clip_scores,  # noqa: E402
                                   eager_latency_ms, export_onnx, input_shape,
                                   max_abs_diff, onnx_latency_ms, onnx_session)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', help='student config (or distillation config)')
    p.add_argument('checkpoint', help='student checkpoint')
    p.add_argument('--out', required=True, help='ONNX file to write')
    p.add_argument('--shape', type=int, nargs=4, metavar=('M', 'T', 'J', 'C'),
                   help='one clip (default: from the test pipeline)')
    p.add_argument('--opset', type=int, default=OPSET)
    p.add_argument('--atol', type=float, default=1e-4,
                   help='max abs difference of the probabilities allowed')
    p.add_argument('--repeats', type=int, default=20,
                   help='timed runs per backend (median reported)')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.opset < 17:
        raise ValueError(f'--opset {args.opset}: 17 or newer is required')
    cfg = Config.fromfile(args.config)
    module = build_clip_scores(cfg, args.checkpoint)
    shape = tuple(args.shape) if args.shape else input_shape(cfg)
    export_onnx(module, shape, args.out, args.opset)
    try:
        session = onnx_session(args.out)
        gen = torch.Generator().manual_seed(args.seed)
        x = torch.randn((4, ) + shape, generator=gen)
        diff = max_abs_diff(module, session, x)
        print(f'exported {args.out}: input (B, M, T, J, C) = (B, '
              f'{", ".join(map(str, shape))}), opset {args.opset}')
        print(f'max abs diff onnxruntime vs PyTorch (4 clips): {diff:.3g}')
        if not diff <= args.atol:
            raise ValueError(f'{args.out}: onnxruntime differs from PyTorch '
                             f'by {diff:.3g} > --atol {args.atol}')
    except BaseException:
        os.remove(args.out)
        raise
    x1 = x[:1]
    eager = eager_latency_ms(module, x1, args.repeats)
    ort = onnx_latency_ms(session, x1.numpy(), args.repeats)
    print(f'latency, batch 1, {torch.get_num_threads()} thread(s): PyTorch '
          f'eager {eager:.2f} ms, onnxruntime {ort:.2f} ms '
          f'({eager / ort:.2f}x)')
    return dict(max_abs_diff=diff, eager_ms=eager, onnx_ms=ort, shape=shape)


if __name__ == '__main__':
    main()
