from .experiment import (last_checkpoint, load_experiment_cfg,
                         test_all_views, test_per_camera, train_and_test)

__all__ = [
    'last_checkpoint', 'load_experiment_cfg', 'test_all_views',
    'test_per_camera', 'train_and_test'
]
