"""Random joint corruption of every clip of a skeleton sample."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._multistream import check_multistream, clip_slices
from ._skeleton3d import check_probability


@TRANSFORMS.register_module()
class RandomJointCorruption(BaseTransform):
    """Zero a random set of joints in each clip (masking augmentation for
    MMCV pretraining, an alternative to :class:`RandomShear3D`).

    Per clip ``c`` (the ``num_clips`` equal time segments), with
    probability ``p``, ``n = round(ratio · V)`` joints ``J_c`` are drawn
    uniformly without replacement, and::

        keypoint[m, t, v, :] = 0    for every person m, frame t of clip c,
                                    v ∈ J_c

    (all channels: joint, motion and bone of that joint). Other joints and
    other clips are unchanged; the two crops of a sample are corrupted
    independently. ``corrupted_joints`` lists ``J_c`` per clip (empty when
    skipped). ``ratio < 1`` keeps some joints, so a corrupted person-frame
    is not taken for padding. Draws come from numpy's global RNG.

    Required keys: ``keypoint`` ``[M, T, V, C]``; optional ``num_clips``.
    Modified keys: ``keypoint``. Added keys: ``corrupted_joints``.

    Args:
        ratio: share of joints zeroed, ``0 <= ratio < 1``.
        p: probability of corrupting a clip.
    """

    def __init__(self, ratio: float = 0.2, p: float = 0.5) -> None:
        if not 0.0 <= ratio < 1.0:
            raise ValueError('RandomJointCorruption: ratio must be in '
                             f'[0, 1), got {ratio!r}')
        self.ratio = float(ratio)
        self.p = check_probability(p, 'RandomJointCorruption')

    def transform(self, results: Dict) -> Dict:
        who = type(self).__name__
        kp = check_multistream(results, who).copy()
        V = kp.shape[2]
        n = int(np.floor(self.ratio * V + 0.5))
        chosen = []
        for sl in clip_slices(results, kp.shape[1], who):
            if n == 0 or np.random.rand() >= self.p:
                chosen.append(np.zeros(0, dtype=np.int64))
                continue
            joints = np.sort(np.random.choice(V, n, replace=False))
            kp[:, sl, joints] = 0
            chosen.append(joints.astype(np.int64))
        results['keypoint'] = kp
        results['corrupted_joints'] = chosen
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(ratio={self.ratio}, '
                f'p={self.p})')
