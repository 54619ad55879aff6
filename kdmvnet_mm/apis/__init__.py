from .experiment import (config_digest, last_checkpoint, load_experiment_cfg,
                         set_epochs, test_all_views, test_per_camera,
                         train_and_test)
from .run_results import read_run_result, write_run_result
from .streams import STREAMS, set_stream
from .workers import threads_per_job, train_and_test_jobs

__all__ = [
    'STREAMS', 'config_digest', 'last_checkpoint', 'load_experiment_cfg',
    'read_run_result', 'set_epochs', 'set_stream', 'test_all_views',
    'test_per_camera', 'threads_per_job', 'train_and_test',
    'train_and_test_jobs',
    'write_run_result'
]
