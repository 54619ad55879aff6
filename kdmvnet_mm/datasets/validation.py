"""Checks on mmaction2 skeleton annotations, with errors naming file and field.

Used by the datasets when they load a pickle and by the converters before
they write one, so bad input fails early and never yields a partial file.
"""
import pickle
from typing import Dict, Iterable, List, Optional

import numpy as np


class AnnotationError(ValueError):
    """An annotation file or one of its entries is unusable."""

    def __init__(self, path, field: str, msg: str, sample=None):
        where = f'{path}' + (f' [{sample}]' if sample is not None else '')
        super().__init__(f'{where}: field {field!r}: {msg}')
        self.path, self.field, self.sample = path, field, sample


def load_skeleton_pickle(path: str) -> Dict:
    """Load an mmaction2 skeleton pickle and check its top-level structure."""
    try:
        with open(path, 'rb') as f:
            data = pickle.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f'{path}: annotation file not found') from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, ImportError, IndexError) as e:
        raise AnnotationError(path, '<file>',
                              f'corrupt or truncated pickle ({e!r})') from e
    if isinstance(data, list):  # a bare list of annotations, no splits
        data = dict(annotations=data)
    if not isinstance(data, dict) or 'annotations' not in data:
        raise AnnotationError(path, 'annotations',
                              'expected a dict with key "annotations"')
    if not isinstance(data['annotations'], list):
        raise AnnotationError(path, 'annotations', 'expected a list')
    if 'split' in data and not isinstance(data['split'], dict):
        raise AnnotationError(path, 'split', 'expected a dict of name lists')
    return data


def select_split(data: Dict, split: Optional[str], path: str) -> List[Dict]:
    """Entries of ``split`` (all entries when ``split`` is None), matched on
    ``filename`` when the entries have one, else on ``frame_dir``."""
    annos = data['annotations']
    if split is None:
        return list(annos)
    splits = data.get('split')
    if not splits:
        raise AnnotationError(path, 'split',
                              f'file has no splits but split={split!r} asked')
    if split not in splits:
        raise AnnotationError(
            path, 'split',
            f'unknown split {split!r}; available: {sorted(splits)}')
    wanted = set(splits[split])
    # mmaction2's PoseDataset rule: splits name files when entries have one
    key = 'filename' if annos and 'filename' in annos[0] else 'frame_dir'
    return [a for a in annos if a.get(key) in wanted]


def validate_annotation(anno: Dict,
                        path: str,
                        num_joints: Optional[int] = None,
                        num_classes: Optional[int] = None,
                        need_label: bool = True) -> None:
    """Raise :class:`AnnotationError` when one entry cannot be trained on
    (or, with ``need_label=False``, run through a model).

    Checks: ``frame_dir`` present; ``keypoint`` an array ``[M, T, V, C]``
    with T > 0, finite values and ``V == num_joints`` when given;
    ``total_frames`` consistent with T; ``label`` an int in
    ``[0, num_classes)`` when given.
    """
    name = anno.get('frame_dir')
    if name is None:
        raise AnnotationError(path, 'frame_dir', 'missing')
    if 'keypoint' not in anno:
        raise AnnotationError(path, 'keypoint', 'missing', name)
    kp = anno['keypoint']
    if not isinstance(kp, np.ndarray) or kp.ndim != 4:
        shape = getattr(kp, 'shape', type(kp).__name__)
        raise AnnotationError(path, 'keypoint',
                              f'expected an array [M, T, V, C], got {shape}',
                              name)
    M, T, V, C = kp.shape
    if T == 0 or M == 0:
        raise AnnotationError(path, 'keypoint',
                              f'0-frame or 0-person sequence {kp.shape}', name)
    if num_joints is not None and V != num_joints:
        raise AnnotationError(
            path, 'keypoint',
            f'{V} joints but the layout has {num_joints}', name)
    if not np.isfinite(kp).all():
        bad = int((~np.isfinite(kp)).sum())
        raise AnnotationError(path, 'keypoint',
                              f'{bad} NaN/inf coordinates', name)
    tf = anno.get('total_frames', T)
    if tf != T:
        raise AnnotationError(path, 'total_frames',
                              f'{tf} but keypoint has {T} frames', name)
    if 'keypoint_score' in anno:
        sc = np.asarray(anno['keypoint_score'])
        if sc.shape != kp.shape[:3]:
            raise AnnotationError(
                path, 'keypoint_score',
                f'shape {sc.shape} does not match keypoint {kp.shape[:3]}',
                name)
        if not np.isfinite(sc).all():
            raise AnnotationError(path, 'keypoint_score', 'NaN/inf scores',
                                  name)
    if 'label' not in anno:
        if not need_label:
            return
        raise AnnotationError(path, 'label', 'missing', name)
    label = anno['label']
    if not isinstance(label, (int, np.integer)):
        raise AnnotationError(path, 'label',
                              f'expected an int, got {label!r}', name)
    if label < 0 or (num_classes is not None and label >= num_classes):
        raise AnnotationError(
            path, 'label',
            f'{label} out of range [0, {num_classes})', name)


def validate_annotations(annos: Iterable[Dict],
                         path: str,
                         num_joints: Optional[int] = None,
                         num_classes: Optional[int] = None) -> None:
    for a in annos:
        validate_annotation(a, path, num_joints, num_classes)
