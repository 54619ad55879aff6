from .centre_normalize_3d import CentreNormalize3D
from .frame_dir_to_filename import FrameDirToFilename
from .keep_keypoint_score import KeepKeypointScore
from .multi_hot_label import MultiHotLabel
from .random_joint_corruption import RandomJointCorruption
from .random_rot_3d import RandomRot3D
from .random_scale_3d import RandomScale3D
from .random_shear_3d import RandomShear3D
from .random_temporal_crop import RandomTemporalCrop
from .sync_uniform_sample_frames import SyncUniformSampleFrames
from .temporal_crop_resize import TemporalCropResize

__all__ = [
    'CentreNormalize3D', 'FrameDirToFilename', 'KeepKeypointScore',
    'MultiHotLabel', 'RandomJointCorruption', 'RandomRot3D',
    'RandomScale3D', 'RandomShear3D', 'RandomTemporalCrop',
    'SyncUniformSampleFrames', 'TemporalCropResize'
]
