"""Convert PKU-MMD skeletons and action labels to an mmaction2 pickle.

Expected layout (the official release, unpacked)::

    PKUMMD/
      Data/skeleton/0002-L.txt ...      one line per frame, 150 floats
                                       (2 bodies x 25 joints x xyz)
      Label/Train_Label_PKU_final/0002-L.txt ...
                                       label,start,end,confidence per line
      Split/cross-subject.txt          "Training videos:" / "Validataion
      Split/cross-view.txt             videos:" lists (cross-view: Phase I)

Phase II videos are named ``A01N01-L`` ...; its only split file is
``cross-subject.txt`` (``cross_subject_v2.txt`` is found too).

Every labelled interval becomes one clip ``NNNN-V_kk`` (Phase II
``A01N01`` -> ``0101``); the L/M/R clips of one interval share ``kk`` and so
form one recording for ``MultiViewPoseDataset(key_parser='pkummd')``.
Frame numbers in the label files are read as 1-based inclusive
(``--first-frame 0`` for 0-based). Output: ``{'split': {'xsub_train',
'xsub_val', 'xview_train', 'xview_val'}, 'annotations': [{'frame_dir',
'label' 0-based, 'keypoint' float32 [M, T, 25, 3], 'total_frames'}]}``.
Any bad file stops the conversion with an error naming the file and the
field, and nothing is written (``--skip-bad`` skips and lists instead).
Details: ``kdmvnet_mm/datasets/converters/pkummd.py``.

Command::

    python tools/data/pkummd_to_pkl.py \\
        --skeletons PKUMMD/Data/skeleton \\
        --labels PKUMMD/Label/Train_Label_PKU_final \\
        --splits PKUMMD/Split \\
        --out data/pkummd/pkummd_p1.pkl --phase 1
"""
import argparse
import sys
import time

from kdmvnet_mm.datasets.converters import (convert_pkummd,
                                            format_pkummd_summary)
from kdmvnet_mm.datasets.validation import AnnotationError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--skeletons', required=True,
                   help='skeleton directory (Data/skeleton)')
    p.add_argument('--labels', required=True,
                   help='label directory (Label/Train_Label_PKU_final)')
    p.add_argument('--splits', required=True,
                   help='directory with cross-subject.txt / cross-view.txt')
    p.add_argument('--out', default=None,
                   help='output pickle (default: '
                   'data/pkummd/pkummd_p<phase>.pkl)')
    p.add_argument('--phase', type=int, choices=(1, 2), default=1,
                   help='PKU-MMD phase (default: %(default)s)')
    p.add_argument('--first-frame', type=int, choices=(0, 1), default=1,
                   help='number of the first frame in the label files '
                   '(default: %(default)s)')
    p.add_argument('--skip-bad', action='store_true',
                   help='skip unusable videos / intervals instead of '
                   'stopping')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    out = args.out or f'data/pkummd/pkummd_p{args.phase}.pkl'
    t0 = time.perf_counter()
    try:
        summary = convert_pkummd(
            args.skeletons, args.labels, args.splits, out,
            phase=args.phase, strict=not args.skip_bad, progress=True,
            first_frame=args.first_frame)
    except (AnnotationError, FileNotFoundError) as e:
        print(f'\nerror: {e}\nnothing written to {out}', file=sys.stderr)
        return 1
    print(format_pkummd_summary(summary))
    print(f'  took {time.perf_counter() - t0:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
