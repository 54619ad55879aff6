"""Frame sampling at the same relative positions in every view."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.datasets.transforms import UniformSampleFrames
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SyncUniformSampleFrames(UniformSampleFrames):
    """Uniform segment sampling whose random offsets are shared across views.

    Views of one recording are synchronised but differ by a few frames, so a
    clip takes, in every view of length ``n_v``, the frames

    ``idx_i = floor((i + r_i) / clip_len * n_v)``,  ``i = 0..clip_len-1``,

    with the same offsets ``r_i ∈ [0, 1)`` for all views (DESIGN.md §1: index
    ∝ t / total_frames). ``r`` is drawn from ``results['sync_seed']``, which
    :class:`MultiViewPoseDataset` sets once per recording; without it
    (single-view use) it is drawn from the global numpy state in training,
    and from ``seed`` in test mode, as mmaction2's ``UniformSampleFrames``
    does. A view shorter than ``clip_len`` repeats frames rather than wrapping
    around, which keeps its positions aligned with the longer views.

    With ``num_clips > 1`` every clip draws its own offsets (shared across
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

    def _offsets(self, results: Dict) -> np.ndarray:
        seed = results.get('sync_seed')
        if seed is not None:
            rng = np.random.RandomState(int(seed) % (2**32))
        elif self.test_mode:
            rng = np.random.RandomState(self.seed)
        else:
            rng = np.random
        return rng.random_sample((self.num_clips, self.clip_len))

    def transform(self, results: Dict) -> Dict:
        n = int(results['total_frames'])
        if n <= 0:
            raise ValueError(
                f'{results.get("frame_dir", "<sample>")}: field '
                f"'total_frames': cannot sample from {n} frames")
        r = self._offsets(results)
        pos = (np.arange(self.clip_len)[None] + r) / self.clip_len
        inds = np.minimum((pos * n).astype(np.int64), n - 1).reshape(-1)
        results['frame_inds'] = inds + results.get('start_index', 0)
        results['clip_len'] = self.clip_len if self.modalities is None \
            else {m: self.clip_len for m in self.modalities}
        results['frame_interval'] = None
        results['num_clips'] = self.num_clips
        return results
