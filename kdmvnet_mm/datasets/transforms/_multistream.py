"""Input checks shared by the MMCV skeleton transforms, which work on
``keypoint [M, T, V, C]`` with ``C = 3 · S`` (the streams of
``GenSkeFeat``, e.g. ``feats=['j', 'jm', 'b']``), split into
``num_clips`` equal segments of the time axis. Not a transform."""
from typing import Dict

import numpy as np


def check_multistream(results: Dict, who: str) -> np.ndarray:
    """``results['keypoint']`` as a float array ``[M, T, V, 3·S]``;
    ValueError naming the transform, the sample and the field otherwise."""
    name = results.get('frame_dir')
    where = '' if name is None else f'{name}: '
    if 'keypoint' not in results:
        raise ValueError(f"{who}: {where}field 'keypoint': missing")
    kp = np.asarray(results['keypoint'])
    if kp.ndim != 4 or kp.shape[-1] % 3 or kp.shape[1] == 0:
        raise ValueError(
            f"{who}: {where}field 'keypoint': expected [M, T, V, C] with "
            f'T > 0 and C a multiple of 3 (xyz per stream), got shape '
            f'{tuple(kp.shape)}')
    if not np.issubdtype(kp.dtype, np.floating):
        kp = kp.astype(np.float32)
    if not np.isfinite(kp).all():
        raise ValueError(f"{who}: {where}field 'keypoint': NaN/inf values")
    return kp


def clip_slices(results: Dict, length: int, who: str) -> list:
    """Time slices of the ``results['num_clips']`` clips (default 1)."""
    nc = int(results.get('num_clips', 1))
    if nc < 1 or length % nc:
        raise ValueError(
            f"{who}: field 'num_clips': {nc} does not split the {length} "
            'frames into equal clips')
    step = length // nc
    return [slice(c * step, (c + 1) * step) for c in range(nc)]
