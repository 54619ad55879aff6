"""Convert raw NTU RGB+D ``.skeleton`` files to an mmaction2 skeleton pickle.

Input: the official Kinect v2 text files ``SsssCcccPpppRrrrAaaa.skeleton``
(the unzipped ``nturgbd_skeletons_s001_to_s017.zip``, plus
``..._s018_to_s032.zip`` for NTU120), searched recursively.

Output: a pickle for ``mmaction.datasets.PoseDataset``:
``{'split': {'xsub_train', 'xsub_val', 'xview_train', 'xview_val'}``
(``--ntu120``: ``xsub_*``, ``xset_*``), ``'annotations': [{'frame_dir',
'label' (action id - 1), 'total_frames', 'keypoint' float32 [M, T, 25, 3]
(metres, at most 2 persons, chosen by bodyID track and motion),
'keypoint_color' float32 [M, T, 25, 2] (RGB pixels), 'tracking_score'
float32 [M, T, 25] (joint trackingState 2/1/0 -> 1.0/0.5/0.0), 'img_shape',
'original_shape' (1080, 1920)}]}`` (``--no-2d`` leaves out the last four).
See ``kdmvnet_mm/datasets/converters/ntu_raw.py`` for the person selection.

Samples on the ``--missing`` list are skipped and counted; without
``--ntu120``, NTU120-only samples (setup > 17 or action > 60) are skipped and
counted. Any bad file stops the conversion with an error naming the file and
the field, and nothing is written (``--skip-bad`` skips and lists such files
instead).

Commands::

    python tools/data/ntu_raw_to_pkl.py \\
        --src data/ntu/nturgb+d_skeletons \\
        --missing data/ntu/NTU_RGBD_samples_with_missing_skeletons.txt \\
        --out data/ntu/ntu60_3d_raw.pkl

    python tools/data/ntu_raw_to_pkl.py --ntu120 \\
        --src data/ntu/nturgb+d_skeletons \\
        --missing data/ntu/NTU_RGBD120_samples_with_missing_skeletons.txt \\
        --out data/ntu/ntu120_3d_raw.pkl
"""
import argparse
import sys
import time

from kdmvnet_mm.datasets.converters import (convert_ntu_raw,
                                            format_ntu_summary)
from kdmvnet_mm.datasets.validation import AnnotationError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--src', required=True,
                   help='nturgb+d_skeletons directory (searched '
                   'recursively for *.skeleton)')
    p.add_argument('--out', default='data/ntu/ntu60_3d_raw.pkl',
                   help='output pickle (default: %(default)s)')
    p.add_argument('--ntu120', action='store_true',
                   help='NTU RGB+D 120: 120 classes, xsub/xset splits')
    p.add_argument('--missing', default=None,
                   help='official list of samples with missing skeletons '
                   '(NTU_RGBD[120]_samples_with_missing_skeletons.txt)')
    p.add_argument('--skip-bad', action='store_true',
                   help='skip unusable files instead of stopping')
    p.add_argument('--no-2d', action='store_true',
                   help='leave out keypoint_color, tracking_score and the '
                   'image shapes (a smaller, 3D-only pickle)')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    try:
        summary = convert_ntu_raw(
            args.src, args.out, ntu120=args.ntu120, missing=args.missing,
            strict=not args.skip_bad, progress=True,
            with_2d=not args.no_2d)
    except (AnnotationError, FileNotFoundError) as e:
        print(f'\nerror: {e}\nnothing written to {args.out}', file=sys.stderr)
        return 1
    print(format_ntu_summary(summary))
    print(f'  took {time.perf_counter() - t0:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
