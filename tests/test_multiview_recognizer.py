"""MultiViewRecognizer (the KD-MVNet teacher) and its configs."""
import glob

import pytest
import torch
from mmengine.config import Config
from mmengine.structures import LabelData  # noqa: F401

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

SMALL = dict(
    type='MultiViewRecognizer',
    backbone=dict(
        type='STGCN', gcn_adaptive='init', gcn_with_res=True,
        tcn_type='mstcn', graph_cfg=dict(layout='nturgb+d', mode='spatial'),
        base_channels=8, num_stages=2, inflate_stages=[], down_stages=[2]),
    embed_dims=32,
    example_input=(2, 8, 25, 3),
    neck=dict(type='EGSSM', in_channels=32, hidden_channels=16,
              state_dim=8, num_layers=2, dropout=0.0),
    cls_head=dict(type='EmbeddingClsHead', num_classes=5, in_channels=32,
                  dropout=0.0),
    dpvic=dict(type='DualPrototypeLoss', num_classes=5, num_executions=10,
               feat_dim=32))


def samples(n, v, labels=None, mask=None):
    out = []
    for i in range(n):
        ds = ActionDataSample().set_gt_label(
            (labels or [i % 5] * n)[i] if labels else i % 5)
        ds.set_field(torch.tensor(mask[i] if mask else [True] * v),
                     'view_mask')
        ds.set_field(torch.arange(1, v + 1), 'view_ids')
        ds.set_field(torch.tensor(i), 'exec_idx')
        out.append(ds)
    return out


def test_loss_terms_and_backward():
    model = MODELS.build(SMALL)
    x = torch.randn(3, 1, 3, 2, 8, 25, 3)
    ds = samples(3, 3, mask=[[1, 1, 1], [1, 0, 1], [0, 1, 0]])
    for d in ds:
        d.view_mask = d.view_mask.bool()
    losses = model.loss(x, ds)
    assert {'loss_cls', 'loss_dpvic', 'loss_rate', 'loss_smooth',
            'loss_sync'} <= set(losses)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert model.backbone.data_bn.weight.grad is not None
    assert model.neck is not None
    # every loss weight comes from config
    m2 = MODELS.build(dict(SMALL, loss_weights=dict(rate=0.0, dpvic=2.0)))
    m2.load_state_dict(model.state_dict())
    assert float(m2.loss(x, ds)['loss_rate']) == 0.0


def test_missing_views_do_not_change_fusion():
    model = MODELS.build(SMALL).eval()
    x = torch.randn(2, 3, 2, 8, 25, 3)
    mask = torch.tensor([[True, False, True], [True, True, True]])
    a = model.extract_views(x, mask)
    x2 = x.clone()
    x2[0, 1] = torch.randn_like(x2[0, 1]) * 100
    b = model.extract_views(x2, mask)
    assert torch.allclose(a['fused'][0], b['fused'][0], atol=1e-6)
    assert torch.allclose(a['fused'][0],
                          (a['z_views'][0, 0] + a['z_views'][0, 2]) / 2,
                          atol=1e-6)
    assert float(a['z_views'][0, 1].abs().sum()) == 0
    assert a['gates'].shape[:2] == (2, 3)


def test_predict_any_subset_of_views_including_one():
    model = MODELS.build(SMALL).eval()
    x = torch.randn(2, 1, 3, 2, 8, 25, 3)
    out = model.predict(x, samples(2, 3))
    assert out[0].pred_score.shape == (5, )
    assert out[0].view_embeddings.shape == (3, 32)
    assert out[0].gates.shape[0] == 3
    # one view, mmaction2 PoseDataset layout [N, nc, M, T, J, C], 2 clips
    single = torch.randn(2, 2, 2, 8, 25, 3)
    out = model.predict(single, [ActionDataSample().set_gt_label(1)
                                 for _ in range(2)])
    assert out[1].pred_score.shape == (5, )
    assert out[1].view_embeddings.shape == (1, 32)
    # one view given as the only valid view of a multi-view batch
    mask = [[False, True, False]] * 2
    ds = samples(2, 3, mask=mask)
    for d in ds:
        d.view_mask = d.view_mask.bool()
    p1 = model.predict(x, ds)[0].pred_score
    p2 = model.predict(x[:, :, 1:2], [ActionDataSample().set_gt_label(0)
                                      for _ in range(2)])[0].pred_score
    assert torch.allclose(p1, p2, atol=1e-5)


def test_no_valid_view_fails_clearly():
    model = MODELS.build(SMALL)
    ds = samples(2, 3, mask=[[1, 1, 0], [0, 0, 0]])
    for d in ds:
        d.view_mask = d.view_mask.bool()
    with pytest.raises(ValueError, match=r'samples \[1\].*no valid view'):
        model.loss(torch.randn(2, 1, 3, 2, 8, 25, 3), ds)


@MODELS.register_module(force=True)
class _PooledBackbone(torch.nn.Module):
    """Returns [N, C]: no time axis left to distil from."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 4)

    def forward(self, x):
        return self.fc(x).mean(dim=(1, 2, 3))


def test_backbone_shape_mismatch_fails_at_build():
    with pytest.raises(ValueError, match=r'maps input \(1, 2, 8, 25, 3\) to '
                       r'\(1, 4\)'):
        MODELS.build(dict(SMALL, backbone=dict(type='_PooledBackbone')))
    with pytest.raises(ValueError, match='embed_dims=64'):
        MODELS.build(dict(SMALL, embed_dims=64))


def test_mean_pooling_ablation_without_neck_or_dpvic():
    model = MODELS.build(dict(SMALL, neck=None, dpvic=None))
    losses = model.loss(torch.randn(2, 1, 3, 2, 8, 25, 3), samples(2, 3))
    assert set(k for k in losses if k.startswith('loss')) == {'loss_cls'}


@pytest.mark.parametrize(
    'cfg', sorted(glob.glob('configs/kdmvnet/teacher_*.py')))
def test_teacher_configs_build_and_step(cfg):
    """Every teacher config builds and does forward/backward on a tiny batch
    of its input shape."""
    c = Config.fromfile(cfg)
    model = MODELS.build(c.model)
    M, _, J, C = c.model.example_input
    x = torch.randn(2, 1, 2, M, 12, J, C)
    losses = model.loss(x, samples(2, 2))
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert c.train_dataloader.dataset.type == 'MultiViewPoseDataset'
    assert c.val_dataloader.dataset.type == 'PoseDataset'


def test_view_dropout_keeps_a_valid_view_and_drops_at_rate():
    model = MODELS.build(dict(SMALL, view_dropout=0.5))
    torch.manual_seed(0)
    mask = torch.tensor([[True, True, True], [False, True, False],
                         [True, False, True]]).repeat(400, 1)
    keep = model._drop_views(mask)
    assert not bool((keep & ~mask).any()), 'an invalid view was kept'
    assert bool(keep.any(dim=1).all()), 'a recording lost every view'
    # the single-view recordings always keep their one view
    assert bool(keep[1::3, 1].all())
    # 3-view rows: each view kept with p 0.5, plus the forced keep when all
    # three drop (1/8 of rows) -> 0.5 + 1/24 per view.
    rate = keep[0::3].float().mean().item()
    assert abs(rate - (0.5 + 1 / 24)) < 0.04
    with pytest.raises(ValueError, match='view_dropout'):
        MODELS.build(dict(SMALL, view_dropout=1.0))


def test_view_dropout_changes_only_the_fused_ce():
    x = torch.randn(4, 1, 3, 2, 8, 25, 3)
    ds = samples(4, 3)
    for d in ds:
        d.view_mask = d.view_mask.bool()
    base = MODELS.build(dict(SMALL, dpvic=None)).eval()
    drop = MODELS.build(dict(SMALL, dpvic=None, view_dropout=0.9)).eval()
    drop.load_state_dict(base.state_dict())
    torch.manual_seed(1)
    a, b = base.loss(x, ds), drop.loss(x, ds)
    assert float(a['loss_cls']) != pytest.approx(float(b['loss_cls']))
    for k in ('loss_rate', 'loss_smooth', 'loss_sync'):
        assert float(a[k]) == pytest.approx(float(b[k]))


def test_per_view_ce_is_the_mean_ce_of_every_valid_view():
    model = MODELS.build(
        dict(SMALL, dpvic=None, loss_weights=dict(view_cls=2.0))).eval()
    x = torch.randn(2, 1, 3, 2, 8, 25, 3)
    ds = samples(2, 3, mask=[[1, 0, 1], [1, 1, 1]])
    for d in ds:
        d.view_mask = d.view_mask.bool()
    loss = model.loss(x, ds)['loss_view_cls']
    out = model.extract_views(x[:, 0], torch.stack([d.view_mask for d in ds]))
    z = torch.cat([out['z_views'][0, [0, 2]], out['z_views'][1]])
    labels = torch.tensor([0, 0, 1, 1, 1])
    ref = torch.nn.functional.cross_entropy(model.cls_head(z), labels)
    assert float(loss) == pytest.approx(2.0 * float(ref), rel=1e-5)
    with pytest.raises(KeyError, match='view_cls'):
        MODELS.build(dict(SMALL, loss_weights=dict(view_ce=1.0)))
