"""Random 3D rotation of a skeleton sequence (cross-view augmentation)."""
from typing import Dict, Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._skeleton3d import (check_keypoint_3d, check_probability, parse_range,
                          valid_person_frames)


def rotation_matrix(ax: float, ay: float, az: float) -> np.ndarray:
    """``R = Rz(az) @ Ry(ay) @ Rx(ax)`` (angles in radians, float64 3x3).

    Right-handed rotations about the fixed x, y, z axes, applied to column
    vectors in the order x first, z last.
    """
    cx, sx = np.cos(ax), np.sin(ax)
    cy, sy = np.cos(ay), np.sin(ay)
    cz, sz = np.cos(az), np.sin(az)
    rx = np.array([[1., 0., 0.], [0., cx, -sx], [0., sx, cx]])
    ry = np.array([[cy, 0., sy], [0., 1., 0.], [-sy, 0., cy]])
    rz = np.array([[cz, -sz, 0.], [sz, cz, 0.], [0., 0., 1.]])
    return rz @ ry @ rx


@TRANSFORMS.register_module()
class RandomRot3D(BaseTransform):
    """Rotate all 3D joints of a sample by one random rotation.

    Per sample, angles ``a_x, a_y, a_z`` are drawn uniformly from
    ``angle_range[0..2]`` and every non-padded joint ``x`` (a column vector
    of xyz) becomes

    ``x' = R x``,  ``R = Rz(a_z) Ry(a_y) Rx(a_x)``,

    with ``Rx(a) = [[1, 0, 0], [0, cos a, -sin a], [0, sin a, cos a]]`` and
    ``Ry``, ``Rz`` likewise (right-handed, about the fixed axes). The same
    ``R`` is used for every person and frame, so bone lengths and all
    pairwise distances are kept. The rotation is about the origin: put it
    after a centring transform such as :class:`CentreNormalize3D`.

    ``R`` is stored as ``results['rot_mat']`` (float32 3x3; the identity when
    the transform is skipped), so ``x = R^T x'`` undoes it. Padded
    person-frames (all coordinates zero) stay exactly zero. Angles come from
    numpy's global RNG, which mmengine's ``randomness.seed`` seeds.

    The default ``((-60, 60), (-60, 60), (0, 0))`` degrees follows the
    random view transform of CTR-GCN's N-UCLA feeder (rotations about x and
    y only).

    Required keys: ``keypoint`` ``[M, T, V, 3]``.
    Modified keys: ``keypoint``. Added keys: ``rot_mat``.

    Args:
        angle_range: ``(lo, hi)`` per axis x, y, z; ``lo == hi`` fixes the
            angle (``(0, 0)`` disables that axis).
        degrees: angles in degrees (True) or radians (False).
        p: probability of rotating a sample.
    """

    def __init__(self,
                 angle_range: Sequence[Sequence[float]] = ((-60, 60),
                                                           (-60, 60), (0, 0)),
                 degrees: bool = True,
                 p: float = 1.0) -> None:
        def finite_ordered(lo, hi):
            return bool(np.isfinite(lo) and np.isfinite(hi)) and lo <= hi

        try:
            ranges = [parse_range(r, finite_ordered) for r in angle_range] \
                if len(angle_range) == 3 else []
        except TypeError:
            ranges = []
        if len(ranges) != 3 or None in ranges:
            raise ValueError('RandomRot3D: angle_range must be three finite '
                             '(lo, hi) pairs with lo <= hi (axes x, y, z), '
                             f'got {angle_range!r}')
        self.p = check_probability(p, 'RandomRot3D')
        self.angle_range: Tuple[Tuple[float, float], ...] = tuple(ranges)
        self.degrees = bool(degrees)

    def _draw(self) -> np.ndarray:
        if self.p < 1.0 and np.random.rand() >= self.p:
            return np.eye(3)
        angles = np.array([np.random.uniform(lo, hi)
                           for lo, hi in self.angle_range])
        if self.degrees:
            angles = np.deg2rad(angles)
        return rotation_matrix(*angles)

    def transform(self, results: Dict) -> Dict:
        kp = check_keypoint_3d(results, type(self).__name__)
        rot = self._draw()
        mask = valid_person_frames(kp)
        out = np.zeros_like(kp)
        out[mask] = (kp[mask].astype(np.float64) @ rot.T).astype(kp.dtype)
        results['keypoint'] = out
        results['rot_mat'] = rot.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'angle_range={self.angle_range}, '
                f'degrees={self.degrees}, '
                f'p={self.p})')
