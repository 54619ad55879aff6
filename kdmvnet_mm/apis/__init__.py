from .experiment import (last_checkpoint, load_experiment_cfg,
                         test_all_views, test_per_camera, train_and_test)
from .streams import STREAMS, set_stream

__all__ = [
    'STREAMS', 'last_checkpoint', 'load_experiment_cfg', 'set_stream',
    'test_all_views', 'test_per_camera', 'train_and_test'
]
