"""Random temporal crops of a skeleton sequence, each resized to a fixed
length (the two-crop input of MMCV / CMD pretraining)."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ._multistream import check_multistream
from ._skeleton3d import parse_range, valid_person_frames


@TRANSFORMS.register_module()
class TemporalCropResize(BaseTransform):
    """``num_crops`` temporal crops of one sequence, each linearly resized
    to ``clip_len`` frames (CMD's ``valid_crop_resize``; DESIGN.md §5).

    The valid frames are the span ``[t_a, t_b]`` from the first to the last
    frame in which some person is not padding, ``n = t_b − t_a + 1``. Each
    crop independently draws ``r ~ U(ratio_range)`` and has

    ``L = clip(floor(r · n), min(min_len, n), n)``

    frames from ``s = t_a + u``, ``u`` uniform in ``{0, ..., n − L}``. In
    ``test_mode`` every crop is the centre crop with
    ``b = floor((1 − test_ratio) · n / 2)``, ``s = t_a + b``,
    ``L = n − 2b``. A crop is resized along time by linear interpolation
    with ``align_corners=False`` (``F.interpolate`` bilinear over
    ``(T, V·M)``, as CMD): output frame ``i`` reads the crop at
    ``x_i = clip((i + ½) · L / clip_len − ½, 0, L − 1)``, interpolating
    between frames ``floor(x_i)`` and ``floor(x_i) + 1``.

    The crops come from the same array, so every channel (all streams of
    ``GenSkeFeat``) is cropped alike. They are concatenated along time:
    ``keypoint [M, num_crops · clip_len, V, C]`` with
    ``num_clips = num_crops``, which ``FormatGCNInput`` turns into
    ``[num_crops, M, clip_len, V, C]``. ``crop_bounds [num_crops, 2]`` holds
    each crop's ``(s, L)``. Draws come from numpy's global RNG (seeded by
    mmengine's ``randomness.seed``). Use it instead of
    ``UniformSampleFrames`` + ``PoseDecode``.

    Required keys: ``keypoint`` ``[M, T, V, C]``, C a multiple of 3.
    Modified keys: ``keypoint``. Added keys: ``num_clips``, ``clip_len``,
    ``crop_bounds``.

    Args:
        clip_len: frames per crop after resizing.
        num_crops: crops per sample (2 for pretraining).
        ratio_range: ``(lo, hi)`` with ``0 < lo <= hi <= 1``.
        min_len: shortest crop before resizing (capped at ``n``).
        test_mode: centre crops.
        test_ratio: the centre crop's share of ``n``.
    """

    def __init__(self,
                 clip_len: int = 64,
                 num_crops: int = 2,
                 ratio_range: Sequence[float] = (0.5, 1.0),
                 min_len: int = 1,
                 test_mode: bool = False,
                 test_ratio: float = 0.95) -> None:
        rng = parse_range(ratio_range, lambda lo, hi: 0.0 < lo <= hi <= 1.0)
        if rng is None:
            raise ValueError('TemporalCropResize: ratio_range must be '
                             '(lo, hi) with 0 < lo <= hi <= 1, got '
                             f'{ratio_range!r}')
        if clip_len < 1 or num_crops < 1 or min_len < 1:
            raise ValueError(
                'TemporalCropResize: clip_len, num_crops and min_len must be '
                f'>= 1, got {clip_len}, {num_crops}, {min_len}')
        if not 0.0 < test_ratio <= 1.0:
            raise ValueError('TemporalCropResize: test_ratio must be in '
                             f'(0, 1], got {test_ratio!r}')
        self.clip_len = int(clip_len)
        self.num_crops = int(num_crops)
        self.ratio_range = rng
        self.min_len = int(min_len)
        self.test_mode = bool(test_mode)
        self.test_ratio = float(test_ratio)

    def _bounds(self, t_a: int, n: int) -> tuple:
        if self.test_mode:
            b = int(np.floor((1.0 - self.test_ratio) * n / 2))
            return t_a + b, n - 2 * b
        r = np.random.uniform(*self.ratio_range)
        length = int(np.clip(np.floor(r * n), min(self.min_len, n), n))
        return t_a + int(np.random.randint(0, n - length + 1)), length

    def resize(self, crop: np.ndarray) -> np.ndarray:
        """``crop [M, L, V, C]`` -> ``[M, clip_len, V, C]`` (see above)."""
        length = crop.shape[1]
        x = (np.arange(self.clip_len) + 0.5) * length / self.clip_len - 0.5
        x = np.clip(x, 0, length - 1)
        lo = np.floor(x).astype(int)
        hi = np.minimum(lo + 1, length - 1)
        w = (x - lo).astype(crop.dtype)[None, :, None, None]
        return crop[:, lo] * (1 - w) + crop[:, hi] * w

    def transform(self, results: Dict) -> Dict:
        kp = check_multistream(results, type(self).__name__)
        if 'frame_inds' in results:
            raise ValueError(
                "TemporalCropResize: field 'frame_inds' is already set; it "
                'replaces UniformSampleFrames / PoseDecode, not follows them')
        frames = np.flatnonzero(valid_person_frames(kp).any(axis=0))
        if frames.size == 0:  # all padding: crop the whole array
            t_a, n = 0, kp.shape[1]
        else:
            t_a, n = int(frames[0]), int(frames[-1] - frames[0] + 1)
        crops, bounds = [], []
        for _ in range(self.num_crops):
            s, length = self._bounds(t_a, n)
            crops.append(self.resize(kp[:, s:s + length]))
            bounds.append((s, length))
        results['keypoint'] = np.ascontiguousarray(
            np.concatenate(crops, axis=1).astype(kp.dtype))
        results['num_clips'] = self.num_crops
        results['clip_len'] = self.clip_len
        results['crop_bounds'] = np.array(bounds, dtype=np.int64)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_crops={self.num_crops}, '
                f'ratio_range={self.ratio_range}, min_len={self.min_len}, '
                f'test_mode={self.test_mode}, test_ratio={self.test_ratio})')
