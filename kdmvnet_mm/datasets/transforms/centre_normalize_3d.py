"""Centring and scale normalisation of 3D skeletons (N-UCLA convention)."""
from typing import Dict, Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._skeleton3d import check_keypoint_3d, valid_person_frames

MODES = ('first_frame', 'per_frame')
SCALES = (None, 'minmax', 'unit')


@TRANSFORMS.register_module()
class CentreNormalize3D(BaseTransform):
    """Translate a 3D skeleton sequence to a centre joint, then rescale it.

    This is the normalisation of the N-UCLA literature (CTR-GCN's
    ``feeder_ucla``). With ``c`` the centre joint, only the valid
    (non-padded) person-frames ``x`` are changed:

    1. centring (``mode``):

       - ``'first_frame'``: ``x' = x - p``, one translation for the whole
         sample, ``p = keypoint[m0, t0, c]`` in the first valid frame ``t0``
         of the first person ``m0`` (person 0, or the first person that has
         a valid frame). Motion of the body centre is kept.
       - ``'per_frame'``: ``x'_t = x_t - p_t`` with ``p_t`` the centre joint
         of the first person valid in frame ``t``, applied to every person
         of that frame (as mmaction2's ``PreNormalize3D``); the body centre
         stays at the origin and global motion is removed.

    2. scaling (``scale``), with statistics over valid person-frames only:

       - ``'minmax'``: per axis ``k``, over all persons, frames and joints,
         ``x''_k = (x'_k - min_k) / (max_k - min_k) * 2 - 1``, which maps
         the sequence to ``[-1, 1]`` per axis (an axis with
         ``max_k == min_k`` maps to 0). As in CTR-GCN the centre joint is
         then no longer at the origin.
       - ``'unit'``: ``x'' = x' / max ||x'||`` (Euclidean norm over all
         valid joints; skipped when that is 0), so the farthest joint from
         the centre lies on the unit sphere.
       - ``None``: centring only.

    Padded person-frames (all coordinates zero) stay exactly zero; padding
    is decided once, per person-frame, before centring, so the centre joint
    landing at the origin does not make it padding. A sample without any
    valid frame is returned unchanged.

    For N-UCLA's 20-joint Kinect v1 layout ('nw-ucla' in
    :mod:`kdmvnet_mm.datasets.layouts`), joint 1 (0-based) is the spine
    centre, which ``feeder_ucla`` subtracts (``value[0, 1, :]``); in the
    25-joint NTU layout joint 1 is the spine middle too (mmaction2's
    ``PreNormalize3D`` centres on it).

    CTR-GCN applies its random rotation and scaling between centring and
    min-max. That order is ``CentreNormalize3D(scale=None)``,
    ``RandomRot3D``, ``RandomScale3D``, ``CentreNormalize3D()`` (the second
    centring is a no-op since the rotation keeps the centre at the origin).

    Required keys: ``keypoint`` ``[M, T, V, 3]``.
    Modified keys: ``keypoint``.

    Args:
        centre_joint: 0-based index of the centre joint.
        mode: ``'first_frame'`` or ``'per_frame'``.
        scale: ``'minmax'``, ``'unit'`` or None.
    """

    def __init__(self,
                 centre_joint: int = 1,
                 mode: str = 'first_frame',
                 scale: Optional[str] = 'minmax') -> None:
        if (isinstance(centre_joint, bool)
                or not isinstance(centre_joint, (int, np.integer))
                or centre_joint < 0):
            raise ValueError('CentreNormalize3D: centre_joint must be a '
                             f'joint index >= 0, got {centre_joint!r}')
        if mode not in MODES:
            raise ValueError(f'CentreNormalize3D: mode must be one of '
                             f'{MODES}, got {mode!r}')
        if scale not in SCALES:
            raise ValueError(f'CentreNormalize3D: scale must be one of '
                             f'{SCALES}, got {scale!r}')
        self.centre_joint = int(centre_joint)
        self.mode = mode
        self.scale = scale

    def _centre(self, kp: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Centre per valid person-frame, broadcastable to ``[M, T, 1, 3]``.
        """
        c = self.centre_joint
        if self.mode == 'first_frame':
            m0 = int(np.argmax(mask.any(axis=1)))
            t0 = int(np.argmax(mask[m0]))
            return kp[m0, t0, c]
        first = np.argmax(mask, axis=0)  # first valid person of each frame
        per_t = kp[first, np.arange(kp.shape[1]), c]  # [T, 3]
        return per_t[None, :, None, :]

    def transform(self, results: Dict) -> Dict:
        kp = check_keypoint_3d(results, type(self).__name__)
        V = kp.shape[2]
        if self.centre_joint >= V:
            name = results.get('frame_dir')
            where = '' if name is None else f'{name}: '
            raise ValueError(
                f"CentreNormalize3D: {where}field 'keypoint': centre_joint "
                f'{self.centre_joint} out of range for shape '
                f'{tuple(kp.shape)} ({V} joints)')
        mask = valid_person_frames(kp)
        if not mask.any():
            results['keypoint'] = kp
            return results
        x = kp.astype(np.float64)
        x = x - self._centre(x, mask)
        x[~mask] = 0
        valid = x[mask]  # [N, V, 3]
        if self.scale == 'minmax':
            lo = valid.min(axis=(0, 1))
            hi = valid.max(axis=(0, 1))
            rng = hi - lo
            flat = rng <= 0
            x = (x - lo) / np.where(flat, 1.0, rng) * 2 - 1
            x[..., flat] = 0
            x[~mask] = 0
        elif self.scale == 'unit':
            norm = float(np.linalg.norm(valid, axis=-1).max())
            if norm > 0:
                x = x / norm
        results['keypoint'] = x.astype(kp.dtype)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'centre_joint={self.centre_joint}, '
                f'mode={self.mode!r}, '
                f'scale={self.scale!r})')
