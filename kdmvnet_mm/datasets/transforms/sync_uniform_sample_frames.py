"""Frame sampling at the same relative positions in every view."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.datasets.transforms import UniformSampleFrames
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SyncUniformSampleFrames(UniformSampleFrames):
    """mmaction2's ``UniformSampleFrames`` with random draws shared by views.

    The sampling law is mmaction2's, so that a model trained on multi-view
    items meets at test time (single view, ``UniformSampleFrames``) the
    clips it was trained on. For a view of ``n`` frames and ``L = clip_len``:

    - ``n < L``: ``L`` consecutive frames from a random start, looping
      (``idx_i = (s + i) mod n``, ``s = floor(u·n)``; in test mode
      ``s = k·n // num_clips`` for clip ``k``, as mmaction2);
    - ``L <= n < 2L``: consecutive frames with ``n − L`` random one-frame
      gaps, the gap slots being the ``n − L`` smallest of ``L + 1`` keys;
    - ``n >= 2L``: one frame per segment, ``idx_i = b_i + floor(r_i·(b_{i+1}
      − b_i))`` with ``b_i = i·n // L``.

    The uniforms ``u``, keys and ``r_i`` are drawn from
    ``results['sync_seed']``, which :class:`MultiViewPoseDataset` sets once
    per recording, so views of slightly different lengths take the same
    relative positions (DESIGN.md §1: index ∝ t / total_frames) and the same
    gap slots. Without it they come from the global numpy state in training
    and from ``seed`` in test mode.

    With ``num_clips > 1`` every clip draws its own uniforms (shared across
    views); in test mode they are deterministic.

    ``modalities`` (e.g. ``('RGB', 'Pose')``) writes ``clip_len`` as a dict
    with one entry per modality, the form mmaction2's ``FormatShape`` needs
    to format ``imgs`` and ``heatmap_imgs`` of the same frames in one item
    (RGB decoded by ``OpenCVDecode``, skeleton by ``PoseDecode``, both from
    these ``frame_inds``).
    """

    def __init__(self,
                 clip_len: int,
                 num_clips: int = 1,
                 test_mode: bool = False,
                 seed: int = 255,
                 modalities: Optional[Sequence[str]] = None) -> None:
        super().__init__(clip_len, num_clips, test_mode, seed)
        self.modalities = tuple(modalities) if modalities else None

    def _uniforms(self, results: Dict) -> np.ndarray:
        """``[num_clips, 2L + 2]``: start, L + 1 gap keys, L offsets."""
        seed = results.get('sync_seed')
        if seed is not None:
            rng = np.random.RandomState(int(seed) % (2**32))
        elif self.test_mode:
            rng = np.random.RandomState(self.seed)
        else:
            rng = np.random
        return rng.random_sample((self.num_clips, 2 * self.clip_len + 2))

    def _clip(self, n: int, k: int, u: np.ndarray) -> np.ndarray:
        L = self.clip_len
        if n < L:
            if self.test_mode:
                start = k if n < self.num_clips else k * n // self.num_clips
            else:
                start = int(u[0] * n)
            return (start + np.arange(L)) % n
        if n < 2 * L:
            gaps = np.zeros(L + 1, dtype=np.int64)
            gaps[np.argsort(u[1:L + 2], kind='stable')[:n - L]] = 1
            return np.arange(L) + np.cumsum(gaps)[:-1]
        bids = np.arange(L + 1) * n // L
        r = u[L + 2:]
        return bids[:L] + (r * np.diff(bids)).astype(np.int64)

    def transform(self, results: Dict) -> Dict:
        n = int(results['total_frames'])
        if n <= 0:
            raise ValueError(
                f'{results.get("frame_dir", "<sample>")}: field '
                f"'total_frames': cannot sample from {n} frames")
        u = self._uniforms(results)
        inds = np.concatenate(
            [self._clip(n, k, u[k]) for k in range(self.num_clips)])
        results['frame_inds'] = inds + results.get('start_index', 0)
        results['clip_len'] = self.clip_len if self.modalities is None \
            else {m: self.clip_len for m in self.modalities}
        results['frame_interval'] = None
        results['num_clips'] = self.num_clips
        return results
