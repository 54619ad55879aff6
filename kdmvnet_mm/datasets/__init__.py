from . import transforms  # noqa: F401
from .recording_keys import (KEY_PARSERS, KeyParseError, RecordingKey,
                             get_key_parser, register_key_parser)
from .validation import (AnnotationError, load_skeleton_pickle,
                         validate_annotation, validate_annotations)

__all__ = [
    'KEY_PARSERS', 'KeyParseError', 'RecordingKey', 'get_key_parser',
    'register_key_parser', 'AnnotationError', 'load_skeleton_pickle',
    'validate_annotation', 'validate_annotations'
]
