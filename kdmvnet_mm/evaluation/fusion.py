"""Score fusion of several test runs of the same model (multi-stream).

The usual skeleton protocol trains one model per input stream (joint, bone,
joint motion, bone motion), tests each one with ``tools/test.py --dump``
and adds the class scores with per-stream weights.  These functions read
the pickles written by mmengine's ``DumpResults`` metric, check that the
runs cover the same samples in the same order, fuse the scores with
mmaction2's :func:`get_weighted_score` and measure the result.  They work
for any recognizer of this package (baseline, teacher or student).
"""
import os
import pickle
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmaction.evaluation.functional import (get_weighted_score,
                                            mean_class_accuracy,
                                            top_k_accuracy)

from ..datasets.validation import AnnotationError


def _to_numpy(value) -> np.ndarray:
    """A torch tensor (any device) or array-like as a numpy array."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _label(value, path, index) -> int:
    arr = _to_numpy(value)
    if arr.size != 1 or not np.issubdtype(arr.dtype, np.number):
        raise AnnotationError(
            path, 'gt_label',
            f'expected a single class index, got shape {arr.shape}', index)
    return int(arr.reshape(-1)[0])


def load_predictions(path: str) -> List[Dict]:
    """Load and check a ``DumpResults`` pickle.

    Returns one dict per sample with ``pred_score`` as a float64 numpy array
    ``[K]``, ``gt_label`` as an int and ``frame_dir`` (or None when the run
    did not record it).  Raises :class:`FileNotFoundError` for a missing
    file and :class:`AnnotationError` (a ``ValueError`` naming the file, the
    field and the sample index) for a corrupt pickle, a payload that is not
    a non-empty list of dicts, a missing ``pred_score`` / ``gt_label``, a
    score that is not 1-D or contains NaN/inf, or class counts that differ
    between samples.
    """
    path = os.fspath(path)
    try:
        with open(path, 'rb') as f:
            data = pickle.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(
            f'{path}: prediction file not found') from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, ImportError, IndexError, RuntimeError) as e:
        raise AnnotationError(path, '<file>',
                              f'corrupt or truncated pickle ({e!r})') from e
    if not isinstance(data, list):
        raise AnnotationError(
            path, '<file>', 'expected a list of predictions as written by '
            f'DumpResults, got {type(data).__name__}')
    if not data:
        raise AnnotationError(path, '<file>', 'no predictions')
    preds, num_classes = [], None
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise AnnotationError(path, '<entry>',
                                  f'expected a dict, got '
                                  f'{type(entry).__name__}', i)
        for field in ('pred_score', 'gt_label'):
            if field not in entry:
                raise AnnotationError(path, field, 'missing', i)
        score = _to_numpy(entry['pred_score']).astype(np.float64)
        if score.ndim != 1 or score.size == 0:
            raise AnnotationError(
                path, 'pred_score',
                f'expected a 1-D score vector, got shape {score.shape}', i)
        if not np.isfinite(score).all():
            raise AnnotationError(path, 'pred_score',
                                  'contains NaN or inf', i)
        if num_classes is None:
            num_classes = score.size
        elif score.size != num_classes:
            raise AnnotationError(
                path, 'pred_score',
                f'{score.size} classes, earlier samples have {num_classes}',
                i)
        preds.append(dict(pred_score=score,
                          gt_label=_label(entry['gt_label'], path, i),
                          frame_dir=entry.get('frame_dir')))
    return preds


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fuse_scores(pred_lists: Sequence[List[Dict]],
                weights: Sequence[float],
                apply_softmax: bool = False,
                paths: Optional[Sequence[str]] = None
                ) -> Tuple[np.ndarray, np.ndarray, Optional[List]]:
    """Weighted sum of the scores of several runs over the same samples.

    ``pred_lists`` are lists as returned by :func:`load_predictions` (raw
    ``DumpResults`` dicts with tensors are accepted too); ``weights`` has
    one finite number per list.  With ``apply_softmax`` each run's scores
    go through a softmax over classes before weighting (useful when runs
    emit logits of different scales).  The sum is mmaction2's
    :func:`get_weighted_score`: ``sum_i weights[i] * scores_i``.

    All lists must have the same length, the same class count and the same
    samples in the same order: ``frame_dir`` is compared when every list
    has it for every sample, otherwise ``gt_label``.  A mismatch raises
    ``ValueError`` naming the offending file (``paths[i]``, or ``stream i``
    when no paths are given) and sample index.

    Returns ``(scores [N, K] float64, labels [N] int64, frame_dirs)`` where
    ``frame_dirs`` is the list of sample names or None when not all runs
    recorded them.
    """
    if not pred_lists:
        raise ValueError('fuse_scores: no predictions given')
    names = (list(map(os.fspath, paths)) if paths is not None else
             [f'stream {i}' for i in range(len(pred_lists))])
    if len(names) != len(pred_lists):
        raise ValueError(f'fuse_scores: {len(pred_lists)} prediction lists '
                         f'but {len(names)} paths')
    weights = [float(w) for w in weights]
    if len(weights) != len(pred_lists):
        raise ValueError(f'fuse_scores: {len(pred_lists)} prediction lists '
                         f'({", ".join(names)}) but {len(weights)} weights')
    if not all(np.isfinite(weights)):
        raise ValueError(f'fuse_scores: weights must be finite: {weights}')

    ref, ref_name = pred_lists[0], names[0]
    n = len(ref)
    if n == 0:
        raise AnnotationError(ref_name, '<file>', 'no predictions')
    score_list, label_list = [], []
    for preds, name in zip(pred_lists, names):
        if len(preds) != n:
            raise AnnotationError(
                name, '<file>', f'{len(preds)} predictions but {ref_name} '
                f'has {n}; the runs must test the same samples')
        scores = np.stack([_to_numpy(p['pred_score']).astype(np.float64)
                           for p in preds])
        labels = np.array([_label(p['gt_label'], name, i)
                           for i, p in enumerate(preds)], dtype=np.int64)
        if score_list and scores.shape[1] != score_list[0].shape[1]:
            raise AnnotationError(
                name, 'pred_score', f'{scores.shape[1]} classes but '
                f'{ref_name} has {score_list[0].shape[1]}')
        if not np.isfinite(scores).all():
            bad = int(np.flatnonzero(~np.isfinite(scores).all(1))[0])
            raise AnnotationError(name, 'pred_score', 'contains NaN or inf',
                                  bad)
        score_list.append(_softmax(scores) if apply_softmax else scores)
        label_list.append(labels)

    have_dirs = all(p.get('frame_dir') is not None
                    for preds in pred_lists for p in preds)
    for preds, labels, name in zip(pred_lists[1:], label_list[1:],
                                   names[1:]):
        if have_dirs:
            for i, (a, b) in enumerate(zip(ref, preds)):
                if a['frame_dir'] != b['frame_dir']:
                    raise AnnotationError(
                        name, 'frame_dir',
                        f'{b["frame_dir"]!r} where {ref_name} has '
                        f'{a["frame_dir"]!r}; the runs must list the same '
                        'samples in the same order', i)
        bad = np.flatnonzero(labels != label_list[0])
        if bad.size:
            i = int(bad[0])
            raise AnnotationError(
                name, 'gt_label', f'{labels[i]} where {ref_name} has '
                f'{label_list[0][i]}; the runs must list the same samples '
                'in the same order', i)

    fused = np.stack(get_weighted_score(score_list, weights))
    frame_dirs = [p['frame_dir'] for p in ref] if have_dirs else None
    return fused, label_list[0], frame_dirs


def fusion_report(scores: np.ndarray, labels: np.ndarray) -> Dict[str, float]:
    """Accuracy of ``scores [N, K]`` against ``labels [N]``, in percent.

    Keys: ``top1``, ``top5`` (mmaction2's :func:`top_k_accuracy`; with
    fewer than 5 classes top-5 is 100) and ``mean_class_acc`` (mmaction2's
    :func:`mean_class_accuracy`: mean over classes of per-class recall).
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    top1, top5 = top_k_accuracy(scores, labels, topk=(1, 5))
    mca = mean_class_accuracy(scores, labels)
    return dict(top1=100.0 * float(top1), top5=100.0 * float(top5),
                mean_class_acc=100.0 * float(mca))
