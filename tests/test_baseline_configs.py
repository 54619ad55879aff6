"""Every single-view baseline config builds and trains one step on a tiny
batch of its input shape, and reads the protocol it names."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

SPLITS = dict(xsub=('xsub_train', 'xsub_val'),
              xview=('xview_train', 'xview_val'),
              xset=('xset_train', 'xset_val'))


@pytest.mark.parametrize(
    'path', sorted(glob.glob('configs/baselines/stgcnpp_*.py')))
def test_baseline_config_builds_and_steps(path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    k = cfg.model.cls_head.num_classes
    layout = cfg.model.backbone.graph_cfg.layout
    joints = 20 if layout == 'nw-ucla' else 25
    persons = 1 if layout == 'nw-ucla' else 2
    x = torch.randn(2, 1, persons, 12, joints, 3)
    ds = [ActionDataSample().set_gt_label(i % k) for i in range(2)]
    losses = model.loss(x, ds)
    losses['loss_cls'].backward()
    assert model.cls_head.fc.out_features == k
    protocol = osp.basename(path)[:-3].split('_')[2]
    assert (cfg.train_dataloader.dataset.split,
            cfg.test_dataloader.dataset.split) == SPLITS[protocol]
