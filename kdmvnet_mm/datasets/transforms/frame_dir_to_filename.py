import os.path as osp
from typing import Dict

from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class FrameDirToFilename(BaseTransform):
    """``filename = prefix / (basename(frame_dir) + suffix)`` for entries of
    a skeleton pickle that name no video (mmaction2's ``ntu60_2d.pkl``), so
    ``OpenCVInit`` reads the RGB video of the same sample (NTU:
    ``S001C001P001R001A001_rgb.avi``). Entries with a ``filename`` keep it.
    """

    def __init__(self, prefix: str = '', suffix: str = '_rgb.avi') -> None:
        self.prefix = prefix
        self.suffix = suffix

    def transform(self, results: Dict) -> Dict:
        if 'filename' not in results:
            if 'frame_dir' not in results:
                raise KeyError("FrameDirToFilename: the sample has neither "
                               "'filename' nor 'frame_dir'")
            name = osp.basename(results['frame_dir']) + self.suffix
            results['filename'] = osp.join(self.prefix, name)
        return results
