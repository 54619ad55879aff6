"""Make a sequence-level multi-label set from a multi-view skeleton pickle.

Input: an mmaction2 skeleton pickle with NTU names (e.g. the synthetic set
of tools/data/make_synthetic_multiview.py, with or without ``--scores``).
Output: the same format, each sequence being one recording followed in time
by a recording of another action of the same performer (probability
``1 - single_prob``), with ``labels`` (the sorted action set) beside the
int ``label`` (the first action); same splits (see
kdmvnet_mm/datasets/multilabel_sequences.py). Written atomically.

    python tools/data/make_multilabel_sequences.py \
        data/synthetic/ntu_mv_scores.pkl \
        --out data/synthetic/ntu_mv_multilabel.pkl --seed 0
"""
import argparse
import os.path as osp
import sys
from collections import Counter

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from kdmvnet_mm.datasets.multilabel_sequences import (  # noqa: E402
    make_multilabel_sequences)
from kdmvnet_mm.datasets.validation import (  # noqa: E402
    load_skeleton_pickle, validate_annotation)
from kdmvnet_mm.utils.io import dump_pickle_atomic  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('src', help='input skeleton pickle')
    p.add_argument('--out', required=True, help='output pickle')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--single-prob', type=float, default=0.25,
                   help='share of sequences left with one action')
    args = p.parse_args(argv)
    data = load_skeleton_pickle(args.src)
    try:
        out = make_multilabel_sequences(data, args.seed, args.single_prob)
    except ValueError as e:
        sys.exit(f'make_multilabel_sequences: error: {e}')
    for a in out['annotations']:
        validate_annotation(a, args.out)
    dump_pickle_atomic(out, args.out)
    n = Counter(len(a['labels']) for a in out['annotations'])
    print(f'wrote {args.out}: {len(out["annotations"])} views; labels per '
          'sequence: ' + ', '.join(f'{k}: {v}' for k, v in sorted(n.items()))
          + '; splits: ' + ', '.join(
              f'{k} {len(v)}' for k, v in out['split'].items()))


if __name__ == '__main__':
    main()
