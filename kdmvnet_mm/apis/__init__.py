from .experiment import (config_digest, epochs_options, last_checkpoint,
                         load_experiment_cfg, test_all_views,
                         test_per_camera, train_and_test)
from .streams import STREAMS, set_stream
from .workers import train_and_test_jobs

__all__ = [
    'STREAMS', 'config_digest', 'epochs_options', 'last_checkpoint',
    'load_experiment_cfg',
    'set_stream', 'test_all_views', 'test_per_camera', 'train_and_test',
    'train_and_test_jobs'
]
