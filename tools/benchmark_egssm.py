"""Time the EG-SSM neck with the parallel scan against the reference loop.

Builds one :class:`kdmvnet_mm.models.necks.EGSSM` (eval mode, no_grad), runs
the same input through ``scan='parallel'`` and ``scan='loop'`` with the same
weights, side by side, and prints per sequence length the median forward
time of each, the ratio loop/parallel and the largest absolute difference
between their outputs ``y``.

Usage:
    python tools/benchmark_egssm.py                     # defaults below
    python tools/benchmark_egssm.py --lengths 32 100 --batch 4 \
        --in-channels 32 --hidden 64 --state-dim 16 --device cpu
"""
import argparse
import statistics
import time

import torch

import kdmvnet_mm  # noqa: F401  (stack repairs)
from kdmvnet_mm.models.necks import EGSSM


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--lengths', type=int, nargs='+', default=[32, 100, 300])
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--in-channels', type=int, default=256)
    p.add_argument('--hidden', type=int, default=512)
    p.add_argument('--state-dim', type=int, default=256)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    p.add_argument('--threads', type=int, default=None,
                   help='torch CPU threads (default: torch\'s choice)')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args()


def time_forward(neck, x, scan, warmup, repeats, device):
    neck.scan = scan
    times = []
    for i in range(warmup + repeats):
        if device == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = neck(x)['y']
        if device == 'cuda':
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    neck = EGSSM(
        in_channels=args.in_channels,
        hidden_channels=args.hidden,
        state_dim=args.state_dim,
        num_layers=args.layers).to(args.device).eval()
    print(f'EGSSM D={args.in_channels} H={args.hidden} N={args.state_dim} '
          f'layers={args.layers} batch={args.batch} device={args.device} '
          f'threads={torch.get_num_threads()} '
          f'median of {args.repeats} after {args.warmup} warm-up')
    print(f'{"T":>6} {"parallel ms":>12} {"loop ms":>10} '
          f'{"loop/parallel":>14} {"max |diff|":>11}')
    with torch.no_grad():
        for T in args.lengths:
            x = torch.randn(args.batch, T, args.in_channels,
                            device=args.device)
            t_par, y_par = time_forward(neck, x, 'parallel', args.warmup,
                                        args.repeats, args.device)
            t_loop, y_loop = time_forward(neck, x, 'loop', args.warmup,
                                          args.repeats, args.device)
            diff = (y_par - y_loop).abs().max().item()
            print(f'{T:>6} {t_par * 1e3:>12.1f} {t_loop * 1e3:>10.1f} '
                  f'{t_loop / t_par:>14.2f} {diff:>11.2e}')


if __name__ == '__main__':
    main()
