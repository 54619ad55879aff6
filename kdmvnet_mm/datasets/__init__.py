from . import transforms  # noqa: F401
from .multiview_pose_dataset import MultiViewPoseDataset
from .recording_keys import (KEY_PARSERS, KeyParseError, RecordingKey,
                             get_key_parser, register_key_parser)
from .validation import (AnnotationError, load_skeleton_pickle,
                         validate_annotation, validate_annotations)

__all__ = [
    'MultiViewPoseDataset', 'KEY_PARSERS', 'KeyParseError', 'RecordingKey',
    'get_key_parser', 'register_key_parser', 'AnnotationError',
    'load_skeleton_pickle', 'validate_annotation', 'validate_annotations'
]
from . import layouts  # noqa: F401,E402  (registers 'nw-ucla' for Graph)
from .layouts import (LAYOUTS, NUM_JOINTS, get_layout,  # noqa: E402
                      register_layout)

__all__ += ['LAYOUTS', 'NUM_JOINTS', 'get_layout', 'register_layout']
