"""Convert the N-UCLA skeleton set to an mmaction2 skeleton pickle.

Input: CTR-GCN-style N-UCLA JSON files ``aAA_sSS_eEE_vVV.json``, each
``{"file_name": ..., "skeletons": [T][20][3], "label": 1..10}``, as a
directory (searched recursively) or the ``all_sqe.tar.xz`` archive itself.

Output: a pickle for ``mmaction.datasets.PoseDataset``:
``{'split': {'xview_train', 'xview_val', 'v01', 'v02', 'v03'},
'annotations': [{'frame_dir', 'label' 0..9, 'keypoint' float32 [1, T, 20, 3],
'total_frames'}]}``; cross-view protocol: train v01 + v02, test v03. Any bad
file stops the conversion with an error naming the file and the field, and
nothing is written (``--skip-bad`` skips and lists such files instead).

Command::

    python tools/data/nwucla_to_pkl.py \\
        --src ../shared/data/nwucla/all_sqe.tar.xz \\
        --out data/nwucla/nwucla.pkl
"""
import argparse
import sys
import time

from kdmvnet_mm.datasets.converters import convert_nwucla, format_summary
from kdmvnet_mm.datasets.validation import AnnotationError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--src', required=True,
                   help='all_sqe directory or all_sqe.tar.xz archive')
    p.add_argument('--out', default='data/nwucla/nwucla.pkl',
                   help='output pickle (default: %(default)s)')
    p.add_argument('--skip-bad', action='store_true',
                   help='skip unusable files instead of stopping')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    try:
        summary = convert_nwucla(
            args.src, args.out, strict=not args.skip_bad, progress=True)
    except (AnnotationError, FileNotFoundError) as e:
        print(f'\nerror: {e}\nnothing written to {args.out}', file=sys.stderr)
        return 1
    print(format_summary(summary))
    print(f'  took {time.perf_counter() - t0:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
