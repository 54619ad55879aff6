"""Input checks and padding masks shared by the 3D skeleton transforms.

Not a transform: the registered classes live one per module next to this
one. Padding follows mmaction2's PoseDataset: a person-frame
``keypoint[m, t]`` whose ``V x 3`` coordinates are all zero is padding
(absent person, or frames after the end of the recording).
"""
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np


def _where(results: Dict) -> str:
    name = results.get('frame_dir')
    return '' if name is None else f'{name}: '


def check_keypoint_3d(results: Dict, who: str) -> np.ndarray:
    """``results['keypoint']`` as a float array ``[M, T, V, 3]``.

    Raises ValueError naming the transform, the sample (``frame_dir``, when
    present), the field and the shape when the array is missing, not 4-D
    with ``C == 3``, or holds NaN/inf. Integer input comes back as float32;
    float arrays keep their dtype.
    """
    where = _where(results)
    if 'keypoint' not in results:
        raise ValueError(f"{who}: {where}field 'keypoint': missing")
    kp = np.asarray(results['keypoint'])
    if kp.ndim != 4 or kp.shape[-1] != 3:
        raise ValueError(
            f"{who}: {where}field 'keypoint': expected 3D coordinates "
            f'[M, T, V, 3], got shape {tuple(kp.shape)}')
    if not np.issubdtype(kp.dtype, np.floating):
        if not np.issubdtype(kp.dtype, np.number):
            raise ValueError(f"{who}: {where}field 'keypoint': expected a "
                             f'numeric array, got dtype {kp.dtype}')
        kp = kp.astype(np.float32)
    bad = int(np.size(kp) - np.count_nonzero(np.isfinite(kp)))
    if bad:
        raise ValueError(
            f"{who}: {where}field 'keypoint': {bad} NaN/inf coordinates "
            f'in an array of shape {tuple(kp.shape)}')
    return kp


def valid_person_frames(kp: np.ndarray) -> np.ndarray:
    """Bool mask ``[M, T]``: True where the person-frame is not padding."""
    return np.any(kp != 0, axis=(2, 3))


def parse_range(value: Sequence[float], ok: Callable[[float, float], bool]
                ) -> Optional[Tuple[float, float]]:
    """``value`` as a float pair ``(lo, hi)`` when it is one and
    ``ok(lo, hi)`` holds; None otherwise (the caller raises its message)."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return (lo, hi) if ok(lo, hi) else None


def check_probability(p: float, who: str) -> float:
    """``p`` as a float in [0, 1]; ValueError naming ``who`` otherwise."""
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f'{who}: p must be in [0, 1], got {p!r}')
    return float(p)
