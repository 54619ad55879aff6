"""Random contiguous temporal crop of a skeleton sequence."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._skeleton3d import (check_keypoint_3d, check_probability, parse_range,
                          valid_person_frames)


@TRANSFORMS.register_module()
class RandomTemporalCrop(BaseTransform):
    """Keep a random contiguous segment of the valid frames.

    The valid frames are the span ``[t_a, t_b]`` from the first to the last
    frame in which some person is not padding (all-zero person-frames are
    padding), ``n = t_b - t_a + 1``. With ``r ~ U(ratio_range)`` the crop has

    ``L = min(n, max(1, round(r * n)))`` frames (round half up),

    and starts at ``s = t_a + u``, ``u`` uniform in ``{0, ..., n - L}``;
    ``keypoint[:, s:s + L]`` (and ``keypoint_score``, when present) are kept
    and ``total_frames`` becomes ``L``. The transform works on whole frames,
    so it changes no coordinates: padded person-frames inside the crop stay
    zero. With probability ``1 - p`` (or when no frame is valid) the sample
    is left unchanged. Draws come from numpy's global RNG, which mmengine's
    ``randomness.seed`` seeds.

    It must come before frame sampling: resampling the crop to the clip
    length is then done by mmaction2's ``UniformSampleFrames`` (or
    :class:`SyncUniformSampleFrames`), which reads ``total_frames``.

    Required keys: ``keypoint`` ``[M, T, V, 3]``; optional
    ``keypoint_score`` ``[M, T, V]``.
    Modified keys: ``keypoint``, ``keypoint_score``, ``total_frames``.

    Args:
        ratio_range: ``(lo, hi)`` with ``0 < lo <= hi <= 1``.
        p: probability of cropping a sample.
    """

    def __init__(self,
                 ratio_range: Sequence[float] = (0.8, 1.0),
                 p: float = 1.0) -> None:
        rng = parse_range(ratio_range, lambda lo, hi: 0.0 < lo <= hi <= 1.0)
        if rng is None:
            raise ValueError('RandomTemporalCrop: ratio_range must be '
                             '(lo, hi) with 0 < lo <= hi <= 1, got '
                             f'{ratio_range!r}')
        self.p = check_probability(p, 'RandomTemporalCrop')
        self.ratio_range = rng

    def transform(self, results: Dict) -> Dict:
        who = type(self).__name__
        kp = check_keypoint_3d(results, who)
        name = results.get('frame_dir')
        where = '' if name is None else f'{name}: '
        if 'frame_inds' in results:
            raise ValueError(
                f"{who}: {where}field 'frame_inds' is already set; crop "
                'before frame sampling (UniformSampleFrames)')
        score = results.get('keypoint_score')
        if score is not None:
            score = np.asarray(score)
            if score.shape != kp.shape[:3]:
                raise ValueError(
                    f"{who}: {where}field 'keypoint_score': shape "
                    f'{tuple(score.shape)} does not match keypoint '
                    f'{tuple(kp.shape)}')
        if self.p < 1.0 and np.random.rand() >= self.p:
            return results
        frames = np.flatnonzero(valid_person_frames(kp).any(axis=0))
        if frames.size == 0:
            return results
        t_a, n = int(frames[0]), int(frames[-1] - frames[0] + 1)
        r = np.random.uniform(*self.ratio_range)
        length = min(n, max(1, int(np.floor(r * n + 0.5))))
        start = t_a + int(np.random.randint(0, n - length + 1))
        sl = slice(start, start + length)
        results['keypoint'] = np.ascontiguousarray(kp[:, sl])
        if score is not None:
            results['keypoint_score'] = np.ascontiguousarray(score[:, sl])
        results['total_frames'] = length
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'ratio_range={self.ratio_range}, '
                f'p={self.p})')
