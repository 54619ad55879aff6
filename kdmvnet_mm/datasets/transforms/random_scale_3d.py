"""Random isotropic or per-axis scaling of a 3D skeleton sequence."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._skeleton3d import check_keypoint_3d, parse_range, valid_person_frames


@TRANSFORMS.register_module()
class RandomScale3D(BaseTransform):
    """Multiply all 3D joint coordinates of a sample by a random factor.

    Per sample, ``s ~ U(scale_range)`` and every non-padded joint becomes

    ``x' = s * x``                       (``per_axis=False``: one ``s``),
    ``x'_k = s_k * x_k``, ``k = x, y, z``  (``per_axis=True``: three draws).

    With one ``s`` every joint norm and bone length is multiplied by ``s``;
    per-axis factors also change body proportions. Scaling is about the
    origin, so put it after a centring transform such as
    :class:`CentreNormalize3D`. Padded person-frames (all coordinates zero)
    stay exactly zero. The factors are stored as ``results['scale_3d']``
    (float32 ``[3]``; all three equal when ``per_axis=False``). Draws come
    from numpy's global RNG, which mmengine's ``randomness.seed`` seeds.

    Note that a later per-axis min-max normalisation
    (``CentreNormalize3D(scale='minmax')``) cancels any scaling.

    Required keys: ``keypoint`` ``[M, T, V, 3]``.
    Modified keys: ``keypoint``. Added keys: ``scale_3d``.

    Args:
        scale_range: ``(lo, hi)`` with ``0 < lo <= hi``.
        per_axis: draw an independent factor for each of x, y, z.
    """

    def __init__(self,
                 scale_range: Sequence[float] = (0.9, 1.1),
                 per_axis: bool = False) -> None:
        rng = parse_range(scale_range,
                          lambda lo, hi: bool(np.isfinite(hi)) and
                          0.0 < lo <= hi)
        if rng is None:
            raise ValueError('RandomScale3D: scale_range must be (lo, hi) '
                             f'with 0 < lo <= hi, got {scale_range!r}')
        self.scale_range = rng
        self.per_axis = bool(per_axis)

    def transform(self, results: Dict) -> Dict:
        kp = check_keypoint_3d(results, type(self).__name__)
        lo, hi = self.scale_range
        if self.per_axis:
            s = np.random.uniform(lo, hi, size=3)
        else:
            s = np.full(3, np.random.uniform(lo, hi))
        mask = valid_person_frames(kp)
        out = np.zeros_like(kp)
        out[mask] = (kp[mask].astype(np.float64) * s).astype(kp.dtype)
        results['keypoint'] = out
        results['scale_3d'] = s.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'scale_range={self.scale_range}, '
                f'per_axis={self.per_axis})')
