"""3D skeleton augmentation / normalisation transforms."""
import copy

import numpy as np
import pytest
from mmaction.datasets.transforms.pose_transforms import JointToBone
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from kdmvnet_mm.datasets.transforms import (CentreNormalize3D, RandomRot3D,
                                            RandomScale3D, RandomTemporalCrop)

NTU_BONES = JointToBone(dataset='nturgb+d').pairs


def make_sample(M=2, T=30, V=25, seed=0, pad_person=True, pad_tail=0):
    """keypoint [M, T, V, 3]; the second person is absent in the first
    10 frames and the last ``pad_tail`` frames are padding."""
    rng = np.random.default_rng(seed)
    kp = rng.normal(size=(M, T, V, 3)).astype(np.float32) + 2.0
    if pad_person and M > 1:
        kp[1, :10] = 0
    if pad_tail:
        kp[:, T - pad_tail:] = 0
    return dict(keypoint=kp, total_frames=T, label=3, frame_dir='S001C001')


def valid_mask(kp):
    return np.any(kp != 0, axis=(2, 3))


def bone_lengths(kp):
    v1, v2 = np.array(NTU_BONES).T
    return np.linalg.norm(kp[..., v1, :] - kp[..., v2, :], axis=-1)


def pairwise(kp):
    return np.linalg.norm(kp[..., :, None, :] - kp[..., None, :, :], axis=-1)


def test_registered_and_repr():
    for cls in (RandomRot3D, RandomScale3D, CentreNormalize3D,
                RandomTemporalCrop):
        assert TRANSFORMS.get(cls.__name__) is cls
        assert cls.__doc__ and '=' in cls.__doc__
        assert repr(cls()).startswith(cls.__name__ + '(')
    t = TRANSFORMS.build(dict(type='RandomRot3D', angle_range=[[-5, 5]] * 3))
    assert isinstance(t, RandomRot3D)


# --------------------------------------------------------------- rotation
def test_rotation_keeps_geometry_and_is_invertible():
    np.random.seed(0)
    res = make_sample()
    kp0 = res['keypoint'].copy()
    out = RandomRot3D(angle_range=((-180, 180), ) * 3)(copy.deepcopy(res))
    kp1, R = out['keypoint'], out['rot_mat']
    assert kp1.dtype == np.float32 and kp1.shape == kp0.shape
    assert R.dtype == np.float32 and R.shape == (3, 3)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-6)
    assert np.linalg.det(R) == pytest.approx(1.0, abs=1e-5)
    assert not np.allclose(kp1, kp0, atol=1e-3)
    np.testing.assert_allclose(
        bone_lengths(kp1), bone_lengths(kp0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        pairwise(kp1), pairwise(kp0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(kp1 @ R, kp0, atol=1e-4)  # x = R^T x'
    np.testing.assert_allclose(kp0 @ R.T, kp1, atol=1e-4)  # x' = R x


def test_rotation_padding_stays_zero():
    np.random.seed(1)
    res = make_sample(pad_tail=5)
    pad = ~valid_mask(res['keypoint'])
    out = RandomRot3D()(res)
    assert np.all(out['keypoint'][pad] == 0)
    assert np.all(valid_mask(out['keypoint']) == ~pad)


def test_rotation_zero_range_is_identity():
    res = make_sample()
    kp0 = res['keypoint'].copy()
    out = RandomRot3D(angle_range=((0, 0), ) * 3)(res)
    np.testing.assert_array_equal(out['rot_mat'], np.eye(3, dtype=np.float32))
    np.testing.assert_allclose(out['keypoint'], kp0, atol=1e-6)
    out = RandomRot3D(p=0.0)(make_sample())
    np.testing.assert_array_equal(out['rot_mat'], np.eye(3))


def test_rotation_order_and_degrees():
    # 90 deg about z only: x -> y
    kp = np.zeros((1, 1, 2, 3), np.float32)
    kp[0, 0, 0] = [1, 0, 0]
    kp[0, 0, 1] = [0, 0, 2]
    out = RandomRot3D(angle_range=((0, 0), (0, 0), (90, 90)))(
        dict(keypoint=kp.copy()))
    np.testing.assert_allclose(out['keypoint'][0, 0, 0], [0, 1, 0],
                               atol=1e-6)
    # radians; R = Rz Ry Rx, so x is rotated first
    out = RandomRot3D(angle_range=((np.pi / 2, ) * 2, (0, 0),
                                   (np.pi / 2, ) * 2),
                      degrees=False)(dict(keypoint=kp.copy()))
    # z -> Rx -> -y -> Rz -> x
    np.testing.assert_allclose(out['keypoint'][0, 0, 1], [2, 0, 0],
                               atol=1e-6)


def test_rotation_angles_within_range_and_seeded():
    lim = 10.0
    outs = []
    for seed in (5, 5):
        np.random.seed(seed)
        outs.append(RandomRot3D(angle_range=((-lim, lim), (0, 0), (0, 0)))(
            make_sample())['rot_mat'])
    np.testing.assert_array_equal(outs[0], outs[1])
    for _ in range(20):
        R = RandomRot3D(angle_range=((-lim, lim), (0, 0), (0, 0)))(
            make_sample())['rot_mat']
        angle = np.degrees(np.arctan2(R[2, 1], R[2, 2]))
        assert -lim - 1e-4 <= angle <= lim + 1e-4
        np.testing.assert_allclose(R[0], [1, 0, 0], atol=1e-7)


@pytest.mark.parametrize('bad', [((-1, 1), (0, 0)), ((1, -1), ) * 3,
                                 'abc', ((0, np.inf), ) * 3])
def test_rotation_bad_range(bad):
    with pytest.raises(ValueError, match='angle_range'):
        RandomRot3D(angle_range=bad)


# ----------------------------------------------------------------- scale
def test_scale_multiplies_norms():
    np.random.seed(2)
    res = make_sample(pad_tail=3)
    kp0 = res['keypoint'].copy()
    pad = ~valid_mask(kp0)
    out = RandomScale3D(scale_range=(0.5, 2.0))(res)
    s = out['scale_3d']
    assert s.shape == (3, ) and np.all(s == s[0]) and 0.5 <= s[0] <= 2.0
    np.testing.assert_allclose(
        np.linalg.norm(out['keypoint'], axis=-1),
        s[0] * np.linalg.norm(kp0, axis=-1), rtol=1e-5)
    np.testing.assert_allclose(
        bone_lengths(out['keypoint']), s[0] * bone_lengths(kp0),
        rtol=1e-4, atol=1e-5)
    assert np.all(out['keypoint'][pad] == 0)
    assert out['keypoint'].dtype == np.float32


def test_scale_per_axis():
    np.random.seed(3)
    res = make_sample()
    kp0 = res['keypoint'].copy()
    out = RandomScale3D(scale_range=(0.5, 2.0), per_axis=True)(res)
    s = out['scale_3d']
    assert len(set(s.tolist())) == 3
    assert np.all((s >= 0.5) & (s <= 2.0))
    np.testing.assert_allclose(out['keypoint'], kp0 * s, rtol=1e-6)


@pytest.mark.parametrize('bad', [(0, 1), (1.2, 1.1), (-1, 1), (1, )])
def test_scale_bad_range(bad):
    with pytest.raises(ValueError, match='scale_range'):
        RandomScale3D(scale_range=bad)


# ----------------------------------------------------------- normalising
def test_centre_first_frame():
    res = make_sample()
    kp0 = res['keypoint'].copy()
    kp0[0, :3] = 0  # person 0 starts in frame 3
    res['keypoint'] = kp0.copy()
    pad = ~valid_mask(kp0)
    out = CentreNormalize3D(centre_joint=1, scale=None)(res)
    kp1 = out['keypoint']
    np.testing.assert_array_equal(kp1[0, 3, 1], np.zeros(3))
    np.testing.assert_allclose(kp1[~pad], (kp0 - kp0[0, 3, 1])[~pad],
                               atol=1e-6)
    assert np.all(kp1[pad] == 0)
    assert np.all(valid_mask(kp1) == ~pad)


def test_centre_per_frame():
    res = make_sample()
    kp0 = res['keypoint'].copy()
    out = CentreNormalize3D(centre_joint=1, mode='per_frame',
                            scale=None)(res)
    kp1 = out['keypoint']
    np.testing.assert_allclose(kp1[0, :, 1], 0, atol=1e-6)
    # person 1 is shifted by person 0's centre in the same frame
    np.testing.assert_allclose(kp1[1, 10:],
                               (kp0[1] - kp0[0, :, 1:2])[10:], atol=1e-5)
    assert np.all(kp1[1, :10] == 0)


def test_minmax_range_on_valid_joints():
    res = make_sample(pad_tail=4)
    pad = ~valid_mask(res['keypoint'])
    out = CentreNormalize3D()(res)
    kp1 = out['keypoint']
    valid = kp1[~pad].reshape(-1, 3)
    np.testing.assert_allclose(valid.min(0), -1, atol=1e-6)
    np.testing.assert_allclose(valid.max(0), 1, atol=1e-6)
    assert np.all(kp1[pad] == 0)
    assert kp1.dtype == np.float32


def test_minmax_matches_ctrgcn_formula():
    # single person, no padding: CTR-GCN feeder_ucla's test-time branch
    res = make_sample(M=1, V=20, pad_person=False)
    value = res['keypoint'][0].astype(np.float64)  # [T, V, 3]
    x = (value - value[0, 1, :]).reshape(-1, 3)
    x = (x - x.min(0)) / (x.max(0) - x.min(0)) * 2 - 1
    out = CentreNormalize3D()(res)
    np.testing.assert_allclose(out['keypoint'][0], x.reshape(value.shape),
                               atol=1e-5)


def test_minmax_flat_axis_and_unit():
    kp = np.ones((1, 4, 3, 3), np.float32)
    kp[0, :, :, 0] = np.arange(12).reshape(4, 3)
    kp[0, :, :, 2] = 5.0  # all joints at the same z
    out = CentreNormalize3D(centre_joint=0)(dict(keypoint=kp.copy()))
    assert np.all(np.isfinite(out['keypoint']))
    assert np.all(out['keypoint'][..., 2] == 0)
    assert out['keypoint'][..., 0].min() == -1
    out = CentreNormalize3D(centre_joint=0, scale='unit')(
        dict(keypoint=kp.copy()))
    norms = np.linalg.norm(out['keypoint'], axis=-1)
    assert norms.max() == pytest.approx(1.0, abs=1e-6)


def test_normalise_all_padding_unchanged():
    kp = np.zeros((2, 5, 25, 3), np.float32)
    out = CentreNormalize3D()(dict(keypoint=kp))
    assert np.all(out['keypoint'] == 0)


def test_centre_joint_out_of_range():
    with pytest.raises(ValueError, match='centre_joint'):
        CentreNormalize3D(centre_joint=25)(make_sample())
    with pytest.raises(ValueError, match='mode'):
        CentreNormalize3D(mode='first')
    with pytest.raises(ValueError, match='scale'):
        CentreNormalize3D(scale='max')


def test_nwucla_layout_normaliser():
    """20-joint N-UCLA skeleton: joint 1 (spine) goes to the origin, and
    the layout's bone stream builds in a full pipeline."""
    res = make_sample(M=1, V=20, pad_person=False)
    out = CentreNormalize3D(centre_joint=1, scale=None)(copy.deepcopy(res))
    np.testing.assert_array_equal(out['keypoint'][0, 0, 1], np.zeros(3))
    pipeline = Compose([
        dict(type='CentreNormalize3D'),
        dict(type='RandomRot3D'),
        dict(type='GenSkeFeat', dataset='nw-ucla', feats=['b']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ])
    np.random.seed(0)
    packed = pipeline(res)
    assert tuple(packed['inputs'].shape) == (1, 2, 8, 20, 3)
    assert np.all(packed['inputs'][:, 1].numpy() == 0)  # padded person


# ------------------------------------------------------------------ crop
def test_crop_length_and_score_in_sync():
    np.random.seed(4)
    T = 30
    for _ in range(30):
        res = make_sample(T=T)
        kp0 = res['keypoint'].copy()
        score = np.broadcast_to(np.arange(T, dtype=np.float32)[None, :, None],
                                kp0.shape[:3]).copy()
        res['keypoint_score'] = score
        out = RandomTemporalCrop(ratio_range=(0.5, 0.8))(res)
        L = out['total_frames']
        assert round(0.5 * T) <= L <= round(0.8 * T)
        assert out['keypoint'].shape == (2, L, 25, 3)
        assert out['keypoint_score'].shape == (2, L, 25)
        start = int(out['keypoint_score'][0, 0, 0])
        np.testing.assert_array_equal(out['keypoint_score'][0, :, 0],
                                      np.arange(start, start + L))
        np.testing.assert_array_equal(out['keypoint'],
                                      kp0[:, start:start + L])


def test_crop_uses_valid_frames_only():
    np.random.seed(5)
    res = make_sample(T=30, pad_tail=10)  # 20 valid frames
    out = RandomTemporalCrop(ratio_range=(1.0, 1.0))(res)
    assert out['total_frames'] == 20
    assert valid_mask(out['keypoint']).any(0).all()
    out = RandomTemporalCrop(ratio_range=(0.01, 0.01))(make_sample(T=30))
    assert out['total_frames'] == 1
    res = make_sample(T=30)
    out = RandomTemporalCrop(p=0.0)(res)
    assert out['total_frames'] == 30 and out['keypoint'].shape[1] == 30


def test_crop_rejects_sampled_or_mismatched():
    res = make_sample()
    res['frame_inds'] = np.arange(8)
    with pytest.raises(ValueError, match='frame_inds'):
        RandomTemporalCrop()(res)
    res = make_sample()
    res['keypoint_score'] = np.ones((2, 29, 25), np.float32)
    with pytest.raises(ValueError, match='keypoint_score'):
        RandomTemporalCrop()(res)
    with pytest.raises(ValueError, match='ratio_range'):
        RandomTemporalCrop(ratio_range=(0.5, 1.5))


# ------------------------------------------------------------- bad input
ALL = [
    RandomRot3D(),
    RandomScale3D(),
    CentreNormalize3D(),
    RandomTemporalCrop()
]


@pytest.mark.parametrize('t', ALL, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize('kind', ['nan', 'inf', 'C2', '3d'])
def test_bad_keypoint_raises(t, kind):
    res = make_sample()
    if kind == 'nan':
        res['keypoint'][0, 3, 4, 1] = np.nan
    elif kind == 'inf':
        res['keypoint'][1, 20, 0, 2] = -np.inf
    elif kind == 'C2':
        res['keypoint'] = res['keypoint'][..., :2]
    else:
        res['keypoint'] = res['keypoint'][0]
    shape = str(tuple(res['keypoint'].shape))
    with pytest.raises(ValueError, match='keypoint') as e:
        t(res)
    assert 'S001C001' in str(e.value)
    assert shape in str(e.value)


def test_missing_keypoint_raises():
    with pytest.raises(ValueError, match='keypoint'):
        RandomRot3D()(dict(total_frames=3))


# -------------------------------------------------------------- pipeline
def ntu_pipeline():
    return Compose([
        dict(type='CentreNormalize3D'),
        dict(type='RandomRot3D'),
        dict(type='RandomScale3D'),
        dict(type='RandomTemporalCrop'),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ])


def test_full_mmaction_pipeline():
    np.random.seed(6)
    pipeline = ntu_pipeline()
    for t in pipeline.transforms[:4]:
        assert type(t).__name__ in ('CentreNormalize3D', 'RandomRot3D',
                                    'RandomScale3D', 'RandomTemporalCrop')
    packed = pipeline(make_sample(M=2, T=30, V=25))
    inputs = packed['inputs']
    assert tuple(inputs.shape) == (1, 2, 8, 25, 3)
    assert np.isfinite(inputs.numpy()).all()
    assert int(packed['data_samples'].gt_label) == 3


def test_each_transform_alone_in_pipeline():
    for i in range(4):
        steps = ntu_pipeline().transforms
        pipeline = Compose([steps[i]] + steps[4:])
        packed = pipeline(make_sample(M=2, T=30, V=25))
        assert tuple(packed['inputs'].shape) == (1, 2, 8, 25, 3)
