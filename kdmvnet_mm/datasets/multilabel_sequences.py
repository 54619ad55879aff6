"""Sequence-level multi-label data: recordings of two actions in a row.

``make_multilabel_sequences(data)`` turns a multi-view NTU-format skeleton
pickle (single-label, e.g. the synthetic set) into one whose sequences are
labelled with the set of actions they contain. For every recording ``r``
(action ``a``), with probability ``1 - single_prob`` a partner recording of
the same performer, setup and replication with another action ``b`` is
drawn, and every camera that has both becomes one view of the new sequence:
the frames of ``r`` followed by those of the partner (persons padded with
zeros to the larger count; ``keypoint_score`` follows the same rule when
present). Its labels are ``{a, b}``; a sequence left alone keeps ``{a}``.
The result is honest multi-label data: both actions are really in the
sequence, in time, and the same moments of the cameras stay synchronised.

Output entries keep mmaction2's skeleton fields plus ``labels`` (sorted list
of classes); ``label`` stays the first action's class so that annotation
checks and :class:`MultiViewPoseDataset`'s grouping work unchanged, and
``MultiHotLabel`` in the pipeline builds the multi-hot target. A sequence
keeps the first recording's name (one sequence per recording, so names stay
unique) and the same splits as that recording's views.
"""
from collections import OrderedDict
from typing import Dict, List

import numpy as np

from .recording_keys import parse_ntu


def _concat(first: Dict, second: Dict) -> Dict:
    """One view: ``first``'s frames then ``second``'s."""
    out = dict(first)
    M = max(first['keypoint'].shape[0], second['keypoint'].shape[0])
    for k in ('keypoint', 'keypoint_score'):
        if k not in first and k not in second:
            continue
        if (k in first) != (k in second):
            raise ValueError(f'{first["frame_dir"]} / {second["frame_dir"]}'
                             f': field {k!r} is in only one of them')
        parts = []
        for a in (first[k], second[k]):
            pad = np.zeros((M - a.shape[0], ) + a.shape[1:], dtype=a.dtype)
            parts.append(np.concatenate([a, pad], axis=0))
        out[k] = np.ascontiguousarray(np.concatenate(parts, axis=1))
    out['total_frames'] = int(out['keypoint'].shape[1])
    return out


def make_multilabel_sequences(data: Dict,
                              seed: int = 0,
                              single_prob: float = 0.25) -> Dict:
    """See the module docstring. Deterministic in ``seed``."""
    if not 0.0 <= single_prob <= 1.0:
        raise ValueError(f'single_prob must be in [0, 1], got {single_prob}')
    recs: Dict[str, Dict[int, Dict]] = OrderedDict()
    group_of: Dict[str, tuple] = {}
    for a in data['annotations']:
        key = parse_ntu(a['frame_dir'])
        recs.setdefault(key.recording, {})[key.view] = a
        # partners: same setup, performer and replication (the recording
        # name SsssPpppRrrrAaaa without its action)
        group_of[key.recording] = key.recording[:-4]
    groups: Dict[str, List[str]] = {}
    for rec, g in group_of.items():
        groups.setdefault(g, []).append(rec)
    rng = np.random.default_rng(seed)
    name_split = {}
    for split, names in data.get('split', {}).items():
        for n in names:
            name_split.setdefault(n, []).append(split)
    annos, splits = [], {k: [] for k in data.get('split', {})}
    for rec, views in recs.items():
        label = int(next(iter(views.values()))['label'])
        others = [
            r for r in groups[group_of[rec]]
            if int(next(iter(recs[r].values()))['label']) != label
            and set(recs[r]) & set(views)
        ]
        pair = rng.random() >= single_prob and bool(others)
        partner = others[int(rng.integers(len(others)))] if pair else None
        for v in sorted(views):
            if partner is not None and v not in recs[partner]:
                continue
            first = views[v]
            if partner is None:
                out, labels = dict(first), [label]
            else:
                second = recs[partner][v]
                out = _concat(first, second)
                labels = sorted({label, int(second['label'])})
            out['labels'] = labels
            annos.append(out)
            for s in name_split.get(first['frame_dir'], []):
                splits[s].append(first['frame_dir'])
    return dict(split=splits, annotations=annos)
