"""MultiViewPoseDataset: grouping, view slots, sync sampling, bad input."""
import os
import pickle

import numpy as np
import pytest
import torch

from conftest import make_tiny_ntu, ntu_name
from kdmvnet_mm.datasets import AnnotationError, MultiViewPoseDataset
from kdmvnet_mm.datasets.transforms import SyncUniformSampleFrames
from mmaction.datasets import PoseDataset
from mmaction.datasets.transforms import UniformSampleFrames

PIPE = [
    dict(type='SyncUniformSampleFrames', clip_len=8),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]


def build(ann, **kw):
    kw.setdefault('pipeline', PIPE)
    return MultiViewPoseDataset(ann_file=ann, **kw)


def test_groups_views_into_recordings(tiny_ntu):
    ds = build(tiny_ntu, split='xsub_train')
    # performer 1, 4 actions, action 2 lacks camera 3
    assert len(ds) == ds.num_recordings == 4
    assert ds.view_slots == [1, 2, 3]
    item = ds[1]
    assert tuple(item['inputs'].shape) == (1, 3, 2, 8, 25, 3)
    s = item['data_samples']
    assert s.view_mask.tolist() == [True, True, False]
    assert s.view_ids.tolist() == [1, 2, 3]
    assert s.metainfo['recording'] == 'S001P001R001A002'
    assert int(s.gt_label) == 1 and int(s.exec_idx) == 1
    # the missing view is zeros
    assert float(item['inputs'][:, 2].abs().sum()) == 0


def test_protocol_restricts_views(tiny_ntu):
    ds = build(tiny_ntu, split='xview_train', views=[2, 3])
    assert ds.view_slots == [2, 3]
    assert len(ds) == 8  # both performers
    for i in range(len(ds)):
        ids = ds[i]['data_samples'].view_ids.tolist()
        assert ids == [2, 3]
    # min_views drops recordings that lost a view
    ds2 = build(tiny_ntu, split='xview_train', views=[2, 3], min_views=2)
    assert len(ds2) == 7


def test_same_pickle_serves_plain_posedataset(tiny_ntu):
    ds = PoseDataset(ann_file=tiny_ntu, pipeline=[], split='xview_val')
    assert len(ds) == 8


@pytest.mark.parametrize('test_mode', [False, True])
def test_views_sample_same_relative_positions(tmp_path, test_mode):
    ann = make_tiny_ntu(tmp_path / 't.pkl', num_classes=1, performers=(1, ),
                        lengths={1: 50, 2: 53, 3: 47}, encode_time=True)
    ds = build(ann, test_mode=test_mode,
               pipeline=[dict(type='SyncUniformSampleFrames', clip_len=10,
                              test_mode=test_mode)] + PIPE[1:])
    for _ in range(3):
        x = ds[0]['inputs'][0, :, 0, :, 0, 0]  # [V, T]: t / T_v per view
        # same relative position in every view, within a frame of each
        assert torch.allclose(x[0], x[1], atol=2 / 47)
        assert torch.allclose(x[0], x[2], atol=2 / 47)
        assert bool((x[0][1:] > x[0][:-1]).all())


def test_sync_sampling_random_in_training_fixed_in_test(tmp_path):
    ann = make_tiny_ntu(tmp_path / 't.pkl', num_classes=1, performers=(1, ),
                        lengths={1: 90, 2: 90, 3: 90}, encode_time=True)
    train = build(ann)
    draws = {tuple(train[0]['inputs'][0, 0, 0, :, 0, 0].tolist())
             for _ in range(5)}
    assert len(draws) > 1
    test = build(ann, test_mode=True,
                 pipeline=[dict(type='SyncUniformSampleFrames', clip_len=8,
                                test_mode=True)] + PIPE[1:])
    draws = {tuple(test[0]['inputs'][0, 0, 0, :, 0, 0].tolist())
             for _ in range(3)}
    assert len(draws) == 1


def test_short_view_loops_from_a_shared_start(tmp_path):
    ann = make_tiny_ntu(tmp_path / 't.pkl', num_classes=1, performers=(1, ),
                        lengths={1: 5, 2: 6, 3: 40}, encode_time=True)
    ds = build(ann)
    for _ in range(5):
        x = ds[0]['inputs'][0, :, 0, :, 0, 0]
        # mmaction2's law for n < clip_len: consecutive frames, looping
        for v, n in ((0, 5), (1, 6)):
            idx = torch.round(x[v] * n).long()
            assert ((idx[1:] - idx[:-1]) % n == 1).all()
        # one start fraction for both short views
        assert abs(float(x[0, 0] - x[1, 0])) <= 1 / 5 + 1e-6


@pytest.mark.parametrize('n', [3, 7, 8, 11, 15, 16, 41])
@pytest.mark.parametrize('test_mode', [False, True])
def test_sampling_law_is_mmaction2s(n, test_mode):
    """Clips a single-view test (mmaction2's UniformSampleFrames) meets are
    the clips multi-view training draws: same case split, same law."""
    L = 8
    ours = SyncUniformSampleFrames(L, num_clips=2, test_mode=test_mode)
    ref = UniformSampleFrames(L, num_clips=2, test_mode=test_mode)
    seen = set()
    for _ in range(30):
        inds = ours.transform(dict(total_frames=n))['frame_inds']
        assert inds.shape == (2 * L, ) and inds.min() >= 0 and inds.max() < n
        for c in inds.reshape(2, L):
            seen.add(tuple(c))
            step = np.diff(c) % n
            if n < L:  # consecutive, looping
                assert (step == 1).all()
            elif n < 2 * L:  # n - L one-frame gaps
                assert set(step) <= {1, 2} and (step == 2).sum() <= n - L
            else:  # one frame per segment b_i = i n // L
                b = np.arange(L + 1) * n // L
                assert ((c >= b[:-1]) & (c < b[1:])).all()
    if test_mode:
        assert len(seen) <= 2
        if n < L:  # the same clips as mmaction2's test sampling
            np.testing.assert_array_equal(
                inds, ref.transform(dict(total_frames=n))['frame_inds'])
    elif n != L:  # n == L has one clip only, in mmaction2 as well
        assert len(seen) > 1


def _write(tmp_path, annos, split=None):
    p = tmp_path / 'bad.pkl'
    with open(p, 'wb') as f:
        pickle.dump(dict(split=split or {'s': [a['frame_dir']
                                               for a in annos]},
                         annotations=annos), f)
    return str(p)


def _anno(name=None, T=10, V=25, label=0):
    return dict(frame_dir=name or ntu_name(), label=label, total_frames=T,
                keypoint=np.zeros((1, T, V, 3), np.float32))


@pytest.mark.parametrize('case,field', [
    ('nan', 'keypoint'), ('zero_frames', 'keypoint'), ('joints', 'keypoint'),
    ('label', 'label'), ('key', 'frame_dir'), ('split', 'split'),
    ('disagree', 'label')])
def test_bad_input_names_file_and_field(tmp_path, case, field):
    a = _anno()
    annos, split = [a], None
    if case == 'nan':
        a['keypoint'][0, 3, 4, 1] = np.nan
    elif case == 'zero_frames':
        a.update(keypoint=np.zeros((1, 0, 25, 3), np.float32), total_frames=0)
    elif case == 'joints':
        a['keypoint'] = np.zeros((1, 10, 20, 3), np.float32)
    elif case == 'label':
        a['label'] = 7
    elif case == 'key':
        a['frame_dir'] = 'not_a_name'
    elif case == 'disagree':
        b = _anno(ntu_name(cam=2), label=1)
        annos = [a, b]
    path = _write(tmp_path, annos, split)
    with pytest.raises(AnnotationError) as e:
        build(path, split='nope' if case == 'split' else 's', num_joints=25,
              num_classes=4)
    assert path in str(e.value) and repr(field) in str(e.value)


@pytest.mark.parametrize('how', ['garbage', 'truncated'])
def test_corrupt_pickle(tmp_path, tiny_ntu, how):
    p = tmp_path / 'c.pkl'
    data = open(tiny_ntu, 'rb').read()
    p.write_bytes(b'not a pickle' if how == 'garbage' else data[:len(data) //
                                                                 2])
    with pytest.raises(AnnotationError, match='corrupt or truncated'):
        build(str(p))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pkl'):
        build(str(tmp_path / 'nope.pkl'))


def test_duplicate_view_rejected(tmp_path):
    path = _write(tmp_path, [_anno(), _anno()])
    with pytest.raises(AnnotationError, match='appears twice'):
        build(path, split='s')


def test_other_key_parsers(tmp_path):
    names = ['a01_s01_e00_v01', 'a01_s01_e00_v03', 'a02_s01_e00_v02']
    annos = [_anno(n, V=20) for n in names]
    ds = build(_write(tmp_path, annos), split='s', key_parser='nwucla')
    assert len(ds) == 2 and ds.view_slots == [1, 2, 3]
    annos = [_anno(n) for n in ['0291-L_01', '0291-M_01', '0291-R_02']]
    ds = build(_write(tmp_path, annos), split='s', key_parser='pkummd')
    assert len(ds) == 2
    assert ds[0]['data_samples'].view_mask.tolist() == [True, True, False]
