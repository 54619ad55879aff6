"""Run skeleton transforms with ``keypoint_score`` held aside."""
from typing import Dict, List, Union

from mmcv.transforms import BaseTransform, Compose

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class KeepKeypointScore(BaseTransform):
    """Apply ``transforms`` without ``keypoint_score``, then put it back.

    mmaction2 1.2.0's ``GenSkeFeat`` refuses ``keypoint_score`` on 3D NTU
    skeletons (it would append the score to the coordinates), but the score
    is what ViCoKD's co-visibility mask reads. Wrapped this way,
    ``PreNormalize3D`` / ``GenSkeFeat`` see the coordinates only; afterwards
    ``PoseDecode`` samples the score at the clip's frames and
    ``FormatGCNInput`` appends it as the last channel, so every view's item
    carries ``[M, T, J, C + 1]`` with the per-joint score in channel ``C``.

    The wrapped transforms must keep the frames (``PreNormalize3D`` drops
    frames in which person 0 is all zeros); a changed frame count raises a
    ValueError instead of misaligning scores and frames.

    Args:
        transforms: the transforms to run, e.g.
            ``[dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j'])]``.
    """

    def __init__(self, transforms: List[Union[Dict, callable]]) -> None:
        self.transforms = Compose(transforms)

    def transform(self, results: Dict) -> Dict:
        score = results.pop('keypoint_score', None)
        results = self.transforms(results)
        if score is None:
            return results
        kp = results['keypoint']
        if kp.shape[:3] != score.shape:
            raise ValueError(
                f'{results.get("frame_dir", "<sample>")}: field '
                f"'keypoint_score' {tuple(score.shape)} no longer matches "
                f'keypoint {tuple(kp.shape)} after {self.transforms}; the '
                'wrapped transforms must keep persons, frames and joints')
        results['keypoint_score'] = score
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self.transforms})'
