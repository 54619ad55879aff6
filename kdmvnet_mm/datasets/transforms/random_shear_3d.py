"""Random 3D shear of every clip of a skeleton sample (pose augmentation
of CMD / MMCV pretraining)."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._multistream import check_multistream, clip_slices
from ._skeleton3d import check_probability


@TRANSFORMS.register_module()
class RandomShear3D(BaseTransform):
    """Shear each clip by its own random matrix (CMD's ``shear``).

    Per clip ``c`` (the ``num_clips`` equal time segments, e.g. the two
    crops of :class:`TemporalCropResize`) six factors ``s_ij ~ U(−a, a)``
    (``a = amplitude``) give::

        S_c = [[1,    s_xy, s_xz],
               [s_yx, 1,    s_yz],
               [s_zx, s_zy, 1   ]],    x' = S_c x

    applied to every xyz triple of the clip: each 3-channel group of
    ``C = 3·S`` (joint, motion, bone of ``GenSkeFeat``). Motion and bone
    are differences of joints, so shearing them equals shearing the joints
    before ``GenSkeFeat``. Padding (zeros) stays zero. With probability
    ``1 − p`` a clip keeps ``S_c = I``. ``shear_mats [num_clips, 3, 3]``
    records the matrices. Draws come from numpy's global RNG.

    Required keys: ``keypoint`` ``[M, T, V, C]``; optional ``num_clips``.
    Modified keys: ``keypoint``. Added keys: ``shear_mats``.

    Args:
        amplitude: ``a >= 0``.
        p: probability of shearing a clip.
    """

    def __init__(self, amplitude: float = 0.5, p: float = 1.0) -> None:
        if not np.isfinite(amplitude) or amplitude < 0:
            raise ValueError('RandomShear3D: amplitude must be a finite '
                             f'value >= 0, got {amplitude!r}')
        self.amplitude = float(amplitude)
        self.p = check_probability(p, 'RandomShear3D')

    def _draw(self) -> np.ndarray:
        mat = np.eye(3)
        if self.p < 1.0 and np.random.rand() >= self.p:
            return mat
        off = ~np.eye(3, dtype=bool)
        mat[off] = np.random.uniform(-self.amplitude, self.amplitude, 6)
        return mat

    def transform(self, results: Dict) -> Dict:
        who = type(self).__name__
        kp = check_multistream(results, who)
        M, T, V, C = kp.shape
        out = np.empty_like(kp)
        mats = []
        for sl in clip_slices(results, T, who):
            mat = self._draw()
            mats.append(mat)
            xyz = kp[:, sl].reshape(M, -1, V, C // 3, 3).astype(np.float64)
            out[:, sl] = (xyz @ mat.T).reshape(M, -1, V, C).astype(kp.dtype)
        results['keypoint'] = out
        results['shear_mats'] = np.stack(mats).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(amplitude={self.amplitude}, '
                f'p={self.p})')
