"""Registered skeleton layouts in mmaction2's Graph, STGCN and JointToBone."""
import numpy as np
import pytest
import torch

import kdmvnet_mm  # noqa: F401  (registers 'nw-ucla')
from kdmvnet_mm.datasets.layouts import (LAYOUTS, NUM_JOINTS,
                                         extend_mmaction_layouts, get_layout,
                                         register_layout)
from mmaction.datasets.transforms import GenSkeFeat, JointToBone
from mmaction.models import STGCN
from mmaction.models.utils.graph import Graph

# CTR-GCN's N-UCLA edges, 1-based (child, parent).
UCLA_EDGES = [(1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7), (9, 3),
              (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14),
              (16, 15), (17, 1), (18, 17), (19, 18), (20, 19)]


@pytest.fixture
def tmp_layout():
    """Register a 4-joint chain for one test and remove it afterwards."""
    layout = register_layout(
        'test-chain', num_node=4, inward=[(1, 0), (2, 1), (3, 2)], center=0)
    yield layout
    LAYOUTS.pop('test-chain')
    NUM_JOINTS.pop('test-chain')


def test_nwucla_layout_registered():
    lay = get_layout('nw-ucla')
    assert lay.num_node == 20 == NUM_JOINTS['nw-ucla']
    assert lay.inward == tuple((i - 1, j - 1) for i, j in UCLA_EDGES)
    assert lay.center == 1
    assert NUM_JOINTS['nturgb+d'] == 25 and NUM_JOINTS['coco'] == 17
    assert NUM_JOINTS['openpose'] == 18


@pytest.mark.parametrize('mode', ['spatial', 'stgcn_spatial'])
def test_graph_nwucla(mode):
    g = Graph(layout='nw-ucla', mode=mode)
    assert g.layout == 'nw-ucla'
    assert g.A.shape == (3, 20, 20)
    assert g.num_node == 20 and g.center == 1
    if mode == 'spatial':
        # Inward adjacency: column-normalised edges child -> parent.
        inward = (g.A[1] > 0).astype(int)
        expected = np.zeros((20, 20), int)
        for i, j in UCLA_EDGES:
            expected[j - 1, i - 1] = 1
        np.testing.assert_array_equal(inward, expected)
        np.testing.assert_array_equal(g.A[0], np.eye(20))


def test_stgcn_forward_nwucla():
    torch.manual_seed(0)
    model = STGCN(
        graph_cfg=dict(layout='nw-ucla', mode='spatial'),
        base_channels=16,
        num_stages=2,
        inflate_stages=[],
        down_stages=[])
    with torch.no_grad():
        y = model(torch.randn(2, 1, 8, 20, 3))
    assert y.shape == (2, 1, 16, 8, 20)
    assert torch.isfinite(y).all()


def test_joint_to_bone_nwucla():
    rng = np.random.default_rng(0)
    kp = rng.standard_normal((2, 5, 20, 3)).astype(np.float32)
    t = JointToBone(dataset='nw-ucla')
    assert t.dataset == 'nw-ucla' and len(t.pairs) == 20
    bone = t.transform(dict(keypoint=kp.copy()))['keypoint']
    assert bone.shape == kp.shape
    for i, j in UCLA_EDGES:
        np.testing.assert_allclose(bone[..., i - 1, :],
                                   kp[..., i - 1, :] - kp[..., j - 1, :])
    # The shoulder centre has no parent: zero bone, like NTU's (20, 20).
    np.testing.assert_array_equal(bone[..., 2, :], 0)
    # GenSkeFeat builds its JointToBone from the same name.
    out = GenSkeFeat(dataset='nw-ucla', feats=['b'])(dict(keypoint=kp.copy()))
    np.testing.assert_allclose(out['keypoint'], bone)


def test_builtin_layouts_unchanged():
    g = Graph(layout='nturgb+d', mode='spatial')
    assert g.layout == 'nturgb+d' and g.A.shape == (3, 25, 25)
    assert g.center == 20
    ref = object.__new__(Graph)
    Graph.__init__.__wrapped__(ref, 'nturgb+d', 'spatial')
    np.testing.assert_array_equal(g.A, ref.A)
    for name in ('nturgb+d', 'openpose', 'coco'):
        t = JointToBone(dataset=name)
        ref = object.__new__(JointToBone)
        JointToBone.__init__.__wrapped__(ref, name)
        assert t.dataset == name and list(t.pairs) == list(ref.pairs)
    assert Graph(layout='coco').A.shape == (3, 17, 17)
    # The dict form still works.
    g = Graph(layout=dict(num_node=3, inward=[(1, 0), (2, 1)], center=0))
    assert g.A.shape == (3, 3, 3)


def test_unknown_layout_raises():
    with pytest.raises(AssertionError):
        Graph(layout='no-such-layout')
    with pytest.raises(ValueError):
        JointToBone(dataset='no-such-layout')
    with pytest.raises(KeyError, match='no-such-layout'):
        get_layout('no-such-layout')


def test_extension_is_idempotent():
    init, set_layout, j2b = (Graph.__init__, Graph.set_layout,
                             JointToBone.__init__)
    extend_mmaction_layouts()
    assert Graph.__init__ is init and Graph.set_layout is set_layout
    assert JointToBone.__init__ is j2b
    # One wrapper deep: the original is the next function down.
    assert not hasattr(init.__wrapped__, '_kdmvnet_layouts')


def test_register_custom_layout(tmp_layout):
    assert tmp_layout.bone_pairs == ((0, 0), (1, 0), (2, 1), (3, 2))
    g = Graph(layout='test-chain')
    assert g.A.shape == (3, 4, 4) and g.layout == 'test-chain'
    g.set_layout('nw-ucla')  # set_layout also takes a registered name
    assert g.num_node == 20
    assert NUM_JOINTS['test-chain'] == 4
    with pytest.raises(KeyError, match='already registered'):
        register_layout('test-chain', 4, [(1, 0)], 0)


@pytest.mark.parametrize(
    'kwargs, match',
    [(dict(name='coco'), 'built into'),
     (dict(inward=[(0, 7)]), 'not two joint indices'),
     (dict(inward=[(1, 1)]), 'self loops'),
     (dict(center=5), 'center'),
     (dict(inward=[(1, 0), (1, 2)]), 'two parents'),
     (dict(bone_pairs=[(0, 0), (0, 1), (2, 1)]), 'exactly once')])
def test_register_layout_rejects(kwargs, match):
    args = dict(name='test-bad', num_node=3, inward=[(1, 0), (2, 1)],
                center=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        register_layout(**args)
    assert 'test-bad' not in LAYOUTS
