"""`tools/train.py --tensorboard` sends training scalars to TensorBoard."""
import glob

import pytest

from kdmvnet_mm.datasets.synthetic import write_synthetic_multiview
from tools import train as train_tool

event_accumulator = pytest.importorskip(
    'tensorboard.backend.event_processing.event_accumulator')


def test_training_scalars_reach_tensorboard(tmp_path):
    ann = tmp_path / 'mv.pkl'
    write_synthetic_multiview(str(ann), seed=1, num_classes=3,
                              num_performers=3, num_replications=1,
                              num_setups=1, max_frames=60)
    loaders = ('train_dataloader', 'val_dataloader', 'test_dataloader')
    runner = train_tool.main(
        ['configs/baselines/stgcnpp_synthetic_xview_cpu.py', '--tensorboard',
         '--work-dir', str(tmp_path / 'wd'), '--cfg-options'] +
        [f'{k}.dataset.ann_file={ann}' for k in loaders] +
        ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
         'train_dataloader.batch_size=2', 'default_hooks.logger.interval=1',
         'log_level=WARNING'])
    # the JSON log is kept beside TensorBoard
    backends = [b['type'] for b in runner.cfg.visualizer.vis_backends]
    assert backends == ['LocalVisBackend', 'TensorboardVisBackend']
    events = glob.glob(str(tmp_path / 'wd' / '*' / 'vis_data' / 'events.*'))
    assert len(events) == 1
    acc = event_accumulator.EventAccumulator(events[0])
    acc.Reload()
    tags = set(acc.Tags()['scalars'])
    assert {'loss', 'lr', 'acc/top1'} <= tags
    assert len(acc.Scalars('loss')) >= 2
