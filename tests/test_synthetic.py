"""Synthetic multi-view generator: format, determinism, splits, geometry."""
import os
import pickle
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest

from conftest import ROOT
from kdmvnet_mm.datasets import synthetic as S
from kdmvnet_mm.datasets.recording_keys import parse_ntu
from kdmvnet_mm.datasets.validation import validate_annotation

SMALL = dict(num_classes=5, num_performers=4, num_replications=2,
             num_setups=2, min_frames=40, max_frames=60)


@pytest.fixture(scope='module')
def small():
    # every recording lacks a view with p=0.3, so the test sees some
    return S.make_synthetic_multiview(seed=0, missing_view_prob=.3, **SMALL)


def test_same_seed_identical_other_seed_differs(small):
    again = S.make_synthetic_multiview(seed=0, missing_view_prob=.3, **SMALL)
    assert again['split'] == small['split']
    assert len(again['annotations']) == len(small['annotations'])
    for a, b in zip(small['annotations'], again['annotations']):
        assert a['frame_dir'] == b['frame_dir'] and a['label'] == b['label']
        assert a['keypoint'].tobytes() == b['keypoint'].tobytes()
    other = S.make_synthetic_multiview(seed=1, missing_view_prob=.3, **SMALL)
    a = {x['frame_dir']: x['keypoint'] for x in small['annotations']}
    b = {x['frame_dir']: x['keypoint'] for x in other['annotations']}
    common = sorted(set(a) & set(b))
    assert common
    assert not any(
        a[n].shape == b[n].shape and np.array_equal(a[n], b[n])
        for n in common)


def test_format_shapes_labels_and_validation(small):
    K = SMALL['num_classes']
    annos = small['annotations']
    assert {a['label'] for a in annos} == set(range(K))
    for a in annos:
        validate_annotation(a, 'synthetic', num_joints=25, num_classes=K)
        kp = a['keypoint']
        assert kp.dtype == np.float32 and kp.ndim == 4
        M, T, V, C = kp.shape
        assert V == 25 and C == 3 and M == S.ACTIONS[a['label']][1]
        assert T == a['total_frames']
        assert SMALL['min_frames'] <= T <= SMALL['max_frames']
        assert 'keypoint_score' not in a
        key = parse_ntu(a['frame_dir'])
        assert key.action == a['label'] + 1 and key.view in (1, 2, 3)
        # Kinect camera space: the body is 2-4.5 m in front of the camera
        assert 1.5 < float(np.median(kp[..., 2])) < 5.


def test_splits_follow_the_protocols(small):
    sp = small['split']
    names = {a['frame_dir'] for a in small['annotations']}
    for k in ('xsub_train', 'xsub_val', 'xview_train', 'xview_val',
              'xview_val_seen', 'c1', 'c2', 'c3'):
        assert sp[k] and set(sp[k]) <= names, k
    keys = {k: [parse_ntu(n) for n in v] for k, v in sp.items()}
    train_p = {k.subject for k in keys['xsub_train']}
    val_p = {k.subject for k in keys['xsub_val']}
    assert train_p <= set(S.XSUB_TRAIN) and not val_p & set(S.XSUB_TRAIN)
    assert set(sp['xsub_train']) | set(sp['xsub_val']) == names
    assert not set(sp['xsub_train']) & set(sp['xsub_val'])
    assert all(k.view in (2, 3) and k.subject in train_p
               for k in keys['xview_train'])
    assert all(k.view == 1 and k.subject in val_p for k in keys['xview_val'])
    assert all(k.view in (2, 3) and k.subject in val_p
               for k in keys['xview_val_seen'])
    for c in (1, 2, 3):
        assert sorted(sp[f'c{c}']) == sorted(
            n for n in sp['xsub_val'] if parse_ntu(n).view == c)
    # xview_val and xview_val_seen are the same held-out recordings
    rec = {k: {x.recording for x in v} for k, v in keys.items()}
    assert rec['xview_val'] & rec['xview_val_seen']
    assert not rec['xview_train'] & rec['xview_val']


def test_views_of_a_recording(small):
    recs = defaultdict(list)
    for a in small['annotations']:
        recs[parse_ntu(a['frame_dir']).recording].append(a)
    n_missing = 0
    for views in recs.values():
        assert 2 <= len(views) <= 3  # never all, at most one missing
        n_missing += len(views) < 3
        assert len({a['label'] for a in views}) == 1
        assert len({a['keypoint'].shape[0] for a in views}) == 1
        cams = [parse_ntu(a['frame_dir']).view for a in views]
        assert len(set(cams)) == len(cams)
        lengths = [a['total_frames'] for a in views]
        assert max(lengths) - min(lengths) <= 2 * S.DEFAULTS['max_cut']
    assert n_missing > 0


def _bone_lengths(W):
    child = np.arange(1, 25)
    parent = np.array(S.PARENTS)[child]
    return np.linalg.norm(W[..., child, :] - W[..., parent, :], axis=-1)


def test_tree_matches_mmaction_ntu_graph():
    from mmaction.models.utils.graph import Graph
    g = Graph(layout='nturgb+d')
    ours = {frozenset((j, S.PARENTS[j])) for j in range(1, 25)}
    assert ours == {frozenset(e) for e in g.inward}
    assert all(S.MIRROR_JOINTS[S.MIRROR_JOINTS[j]] == j for j in range(25))


@pytest.mark.parametrize('action', range(S.MAX_CLASSES))
def test_clean_motion_keeps_bone_lengths(action):
    persons = S.ACTIONS[action][1]
    who = [S.Performer(0, p) for p in (1, 3)[:persons]]
    W = S.simulate_recording(action, who, np.random.default_rng(action))
    assert W.shape[0] == persons and W.shape[2:] == (25, 3)
    bl = _bone_lengths(W)  # [M, T, 24]
    np.testing.assert_allclose(bl, np.broadcast_to(bl[:, :1], bl.shape),
                               atol=1e-9)
    # the performer's own skeleton, and it moves
    np.testing.assert_allclose(
        bl[0, 0], np.linalg.norm(who[0].offsets[1:], axis=-1), atol=1e-9)
    assert np.abs(W - W[:, :1]).max() > .05
    # standing on the floor (y = 0), upright
    assert -.05 < W[..., 1].min() < .05 and W[..., 3, 1].max() > 1.2


def _clean(name, seed=0, pid=1):
    a = S.ACTION_NAMES.index(name)
    return S.simulate_recording(a, [S.Performer(seed, pid)],
                                np.random.default_rng(seed), facing_deg=0.,
                                facing_sigma_deg=0.)[0]


def test_mirror_classes_use_the_other_side():
    for right, left, joint in (('wave_right', 'wave_left', 11),
                               ('reach_right', 'reach_left', 11),
                               ('kick_right', 'kick_left', 19)):
        R, L = _clean(right), _clean(left)
        other = S.MIRROR_JOINTS[joint]
        moved = lambda W, j: np.ptp(W[:, j], axis=0).max()  # noqa: E731
        assert moved(R, joint) > 2 * moved(R, other), right
        assert moved(L, other) > 2 * moved(L, joint), left
        # the same motion mirrored (x -> -x, left and right joints swapped)
        # up to idle motion, once the start positions are aligned
        R, L = (W - W[:1, :1] * [1, 0, 1] for W in (R, L))
        mirrored = (R * [-1, 1, 1])[:, list(S.MIRROR_JOINTS)]
        assert np.abs(mirrored - L).max() < .25
        assert np.abs(R - L)[:, joint].max() > .4


def test_direction_and_event_classes_differ():
    def signed_area(W):  # right hand around the shoulder, performer's view
        h = W[:, 11] - W[:, 8]
        x, y = h[:, 0], h[:, 1]
        return .5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)

    assert signed_area(_clean('circle_cw')) < 0 < signed_area(
        _clean('circle_ccw'))
    fwd, back = _clean('step_forward'), _clean('step_backward')
    assert fwd[-1, 0, 2] - fwd[0, 0, 2] < -.2  # forwards: towards camera 2
    assert back[-1, 0, 2] - back[0, 0, 2] > .2
    # the clap brings the hands together for a short time only
    plain, clap = _clean('arms_raise'), _clean('arms_raise_clap')
    gap = lambda W: np.linalg.norm(W[:, 7] - W[:, 11], axis=-1)  # noqa: E731
    assert gap(clap).min() < .15 < gap(plain).min()
    assert (gap(clap) < .3).mean() < .2


def test_views_are_one_motion_seen_by_three_cameras():
    a = S.ACTION_NAMES.index('wave_left')
    # facing camera 2 exactly, so cameras 1 and 3 are mirror images
    W = S.simulate_recording(a, [S.Performer(0, 2)],
                             np.random.default_rng(0), facing_deg=0.,
                             facing_sigma_deg=0.)
    X = {}
    for c in (1, 2, 3):
        R, cpos = S.sample_camera(np.random.default_rng(c), c)
        np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)
        assert np.linalg.det(R) > 0  # a rotation: no mirroring
        X[c] = (W - cpos) @ R
        assert 2. < X[c][..., 2].mean() < 4.5
    # rigid: same bone lengths in every camera
    for c in (1, 3):
        np.testing.assert_allclose(_bone_lengths(X[c]), _bone_lengths(X[2]),
                                   atol=1e-9)
    # camera 2 faces the performer: the right shoulder is at larger x
    assert (X[2][0, :, 8, 0] > X[2][0, :, 4, 0]).all()
    # camera 1 (-45 deg) sees the left side as the far side
    far1 = S.far_side_scores(X[1])[0]
    far3 = S.far_side_scores(X[3])[0]
    assert far1[:, 6].mean() > .3 > far1[:, 10].mean()
    assert far3[:, 10].mean() > .3 > far3[:, 6].mean()


def test_corruption_hits_hidden_and_far_side_joints():
    # default facing: camera 1 sees the left side turned away (~70 deg)
    W = S.simulate_recording(S.ACTION_NAMES.index('squat'),
                             [S.Performer(0, 1)], np.random.default_rng(0))
    R, cpos = S.sample_camera(np.random.default_rng(0), 1)
    X = (W - cpos) @ R
    err = np.zeros(25)
    for s in range(8):
        Y = S.corrupt_view(X, np.random.default_rng(s), depth_noise=0.,
                           noise=0., tip_noise=0.)
        err += np.linalg.norm(Y - X, axis=-1)[0].mean(0)
    # the far (left) hand fails more than the near (right) one
    assert err[7] > 2 * err[11]
    assert err[0] == 0 and err[1] == 0  # torso joints are not corrupted


def test_invalid_options_raise():
    with pytest.raises(ValueError, match='num_classes'):
        S.make_synthetic_multiview(num_classes=0)
    with pytest.raises(ValueError, match='num_classes'):
        S.make_synthetic_multiview(num_classes=S.MAX_CLASSES + 1)
    with pytest.raises(ValueError, match='num_performers'):
        S.make_synthetic_multiview(num_performers=2)
    with pytest.raises(TypeError, match='unknown'):
        S.make_synthetic_multiview(num_clases=3)


CLI = [sys.executable, str(ROOT / 'tools/data/make_synthetic_multiview.py')]


def test_cli_writes_atomically(tmp_path):
    out = tmp_path / 'sub' / 'mv.pkl'
    r = subprocess.run(
        CLI + ['--out', str(out), '--seed', '3', '--num-classes', '3',
               '--num-performers', '3', '--replications', '1',
               '--min-frames', '40', '--max-frames', '50'],
        capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert 'xview_val_seen' in r.stdout and 'per camera' in r.stdout
    assert os.listdir(out.parent) == ['mv.pkl']  # no temporary left
    with open(out, 'rb') as f:
        data = pickle.load(f)
    want = S.make_synthetic_multiview(seed=3, num_classes=3,
                                      num_performers=3, num_replications=1,
                                      min_frames=40, max_frames=50)
    assert [a['frame_dir'] for a in data['annotations']] == [
        a['frame_dir'] for a in want['annotations']]
    assert all(
        a['keypoint'].tobytes() == b['keypoint'].tobytes()
        for a, b in zip(data['annotations'], want['annotations']))


def test_cli_rejects_bad_arguments_and_leaves_no_file(tmp_path):
    out = tmp_path / 'mv.pkl'
    r = subprocess.run(CLI + ['--out', str(out), '--num-classes', '0'],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0
    assert 'num_classes must be an int in [1, 20]' in r.stderr
    assert 'Traceback' not in r.stderr
    assert not out.exists() and os.listdir(tmp_path) == []


def test_write_leaves_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / 'mv.pkl'
    out.write_bytes(b'old')

    def boom(obj, f, protocol=None):
        f.write(b'partial')
        raise OSError('disk full')

    monkeypatch.setattr(pickle, 'dump', boom)
    with pytest.raises(OSError):
        S.write_synthetic_multiview(str(out), num_classes=2,
                                    num_performers=3, num_replications=1)
    assert out.read_bytes() == b'old' and os.listdir(tmp_path) == ['mv.pkl']
