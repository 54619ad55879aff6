"""ViCoKD: the view-consistency loss against numpy, the cross-modal blocks,
scores and multi-label data, every config's models, bad inputs, and a short
teacher -> student run through tools/."""
import glob
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config

from kdmvnet_mm.datasets.multilabel_sequences import \
    make_multilabel_sequences
from kdmvnet_mm.datasets.synthetic import (make_synthetic_multiview,
                                           write_synthetic_multiview)
from kdmvnet_mm.models.losses import (BinarySoftTargetKLLoss,
                                      ViewConsistencyLoss)
from kdmvnet_mm.models.recognizers.vicokd_utils import joint_scores
from kdmvnet_mm.models.utils import CrossModalAdapter, CrossModalAttention
from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from tools import test as test_tool
from tools import train as train_tool

CONFIGS = sorted(glob.glob('configs/vicokd/*.py'))
TEACHER = 'configs/vicokd/teacher_synthetic_xview_cpu.py'
STUDENT = 'configs/vicokd/vicokd_synthetic_xview_cpu.py'
ML_TEACHER = 'configs/vicokd/teacher_synthetic_xview_multilabel_cpu.py'
ML_STUDENT = 'configs/vicokd/vicokd_synthetic_xview_multilabel_cpu.py'
SMALL = dict(num_classes=4, num_performers=4, num_replications=1,
             num_setups=1, max_frames=60)


# ------------------------------------------------- consistency: reference
def np_js(p, q):
    m = (p + q) / 2

    def kl(a, b):
        return np.sum(np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / b),
                               0.0))
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def np_consistency(probs, mask, scores, thr, min_vis, multi=False,
                   confidence='max', weight=1.0):
    """The formula of ViewConsistencyLoss's docstring, loop by loop."""
    N, V, K = probs.shape
    vis = np.zeros((N, V))
    for n in range(N):
        for v in range(V):
            s = scores[n, v]  # [M, T, J]
            present = [m for m in range(s.shape[0]) if (s[m] > 0).any()]
            if present:
                vis[n, v] = np.mean([(s[m] > thr).mean() for m in present])

    def conf(p):
        if multi:
            c = np.maximum(p, 1 - p) if confidence == 'max' else \
                np.abs(2 * p - 1)
            return c.mean()
        c = p.max()
        if confidence == 'normalised':
            c = (c - 1 / K) / (1 - 1 / K)
        return c

    def js(p, q):
        if not multi:
            return np_js(p, q)
        return np.mean([np_js(np.array([a, 1 - a]), np.array([b, 1 - b]))
                        for a, b in zip(p, q)])

    total, pairs = 0.0, 0
    for n in range(N):
        for i in range(V):
            for j in range(i + 1, V):
                m = mask[n, i] and mask[n, j] and vis[n, i] >= min_vis and \
                    vis[n, j] >= min_vis
                if m:
                    pairs += 1
                    w = conf(probs[n, i]) * conf(probs[n, j])
                    total += w * js(probs[n, i], probs[n, j])
    return weight * total / max(pairs, 1)


def case(seed=0, N=4, V=3, K=5, M=2, T=6, J=7):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(N, V, K)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    mask = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 0], [0, 1, 1]], bool)
    scores = rng.uniform(0.3, 1.0, size=(N, V, M, T, J))
    scores[:, :, 1] = 0  # padded second person: left out
    scores[2, 1, 0, :, :4] = 0.1  # view (2, 1): poorly seen
    return probs, mask, scores


def run(loss, probs, mask, scores):
    return float(loss(torch.tensor(probs), torch.tensor(mask),
                      scores=torch.tensor(scores)))


def test_consistency_matches_the_numpy_formula():
    probs, mask, scores = case()
    loss = ViewConsistencyLoss(score_thr=0.5, min_visible=0.6,
                               loss_weight=0.7)
    ref = np_consistency(probs, mask, scores, 0.5, 0.6, weight=0.7)
    assert ref > 0
    assert abs(run(loss, probs, mask, scores) - ref) < 1e-6
    # the pair count is the normaliser: view (2, 1) falls below min_visible
    vis = loss.visibility(torch.tensor(scores))
    assert vis[2, 1] < 0.6 <= float(vis[0].min())
    for conf in ('max', 'normalised'):
        loss = ViewConsistencyLoss(score_thr=0.5, min_visible=0.6,
                                   confidence=conf)
        ref = np_consistency(probs, mask, scores, 0.5, 0.6, confidence=conf)
        assert abs(run(loss, probs, mask, scores) - ref) < 1e-6


def test_consistency_multi_label_matches_the_numpy_formula():
    probs, mask, scores = case(seed=1)
    sig = 1 / (1 + np.exp(-np.random.default_rng(3).normal(
        size=probs.shape) * 2))
    for conf in ('max', 'normalised'):
        loss = ViewConsistencyLoss(score_thr=0.5, min_visible=0.6,
                                   multi_label=True, confidence=conf)
        ref = np_consistency(sig, mask, scores, 0.5, 0.6, multi=True,
                             confidence=conf)
        assert ref > 0
        assert abs(run(loss, sig, mask, scores) - ref) < 1e-6


def test_consistency_edge_cases():
    probs, mask, scores = case()
    loss = ViewConsistencyLoss(score_thr=0.5, min_visible=0.6)
    base = run(loss, probs, mask, scores)
    # a masked-out view (view_mask 0, or poorly seen) contributes nothing
    for n, v in ((1, 1), (3, 0), (2, 1)):
        p2 = probs.copy()
        p2[n, v] = np.eye(probs.shape[-1])[0]
        assert abs(run(loss, p2, mask, scores) - base) < 1e-7
    # no co-visible pair at all: 0, and still differentiable
    p = torch.tensor(probs, requires_grad=True)
    none = loss(p, torch.tensor(mask), visibility=torch.zeros(4, 3))
    assert float(none.detach()) == 0.0
    none.backward()
    # zero confidence (a uniform prediction, 'normalised'): weight 0
    norm = ViewConsistencyLoss(score_thr=0.5, min_visible=0.6,
                               confidence='normalised')
    p2 = probs.copy()
    p2[0, 0] = 1.0 / probs.shape[-1]
    only = np.zeros_like(mask)
    only[0, :2] = True  # the single pair (0, 0)-(0, 1)
    assert run(norm, p2, only, scores) == 0.0
    assert run(loss, p2, only, scores) > 0  # 'max' keeps 1/K
    # identical distributions: 0
    same = np.repeat(probs[:, :1], 3, axis=1)
    assert abs(run(loss, same, mask, scores)) < 1e-7
    # symmetric: reversing the view order changes nothing
    rev = run(loss, probs[:, ::-1].copy(), mask[:, ::-1].copy(),
              scores[:, ::-1].copy())
    assert abs(rev - base) < 1e-6
    # the weights are detached; the JS term reaches both views
    p = torch.tensor(probs, requires_grad=True)
    loss(p, torch.tensor(mask), scores=torch.tensor(scores)).backward()
    assert p.grad[0, 0].abs().sum() > 0 and p.grad[0, 2].abs().sum() > 0
    assert p.grad[1, 1].abs().sum() == 0


def test_score_fallback_and_visibility_rule():
    # [N=1, V=2, M=2, T=3, J=4, C=4]: coordinates in 0-2, score in 3
    x = torch.zeros(1, 2, 2, 3, 4, 4)
    x[0, 0, 0, :, :, :3] = 1.0  # view 0: person 0 fully there
    x[0, 1, 0, :, :2, :3] = 1.0  # view 1: half of the joints at zero
    x[..., 3] = 0.9
    s = joint_scores(x)  # no score channel: non-zero coordinates
    assert s.shape == (1, 2, 2, 3, 4)
    loss = ViewConsistencyLoss(min_visible=0.8)
    vis = loss.visibility(s)
    assert torch.allclose(vis, torch.tensor([[1.0, 0.5]]))  # pad left out
    assert torch.equal(joint_scores(x, score_channel=3), x[..., 3])
    with pytest.raises(ValueError, match='score_channel=7'):
        joint_scores(x, score_channel=7)
    # a view without any person is not seen
    assert float(loss.visibility(torch.zeros(1, 1, 2, 3, 4))) == 0.0


def test_binary_kl_matches_numpy():
    rng = np.random.default_rng(0)
    s, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    T = 2.0
    q, p = 1 / (1 + np.exp(-t / T)), 1 / (1 + np.exp(-s / T))
    ref = T * T * np.mean(q * np.log(q / p) + (1 - q) * np.log((1 - q) /
                                                               (1 - p)))
    got = BinarySoftTargetKLLoss(temperature=T)(torch.tensor(s),
                                                torch.tensor(t))
    assert abs(float(got) - ref) < 1e-9


# ------------------------------------------------------- attention blocks
def test_cross_modal_attention_queries_from_a_keys_from_b():
    torch.manual_seed(0)
    blk = CrossModalAttention(16, num_heads=4, dropout=0.0).eval()
    a, b = torch.randn(2, 5, 16), torch.randn(2, 7, 16)
    out, w = blk(a, b, return_weights=True)
    assert out.shape == (2, 5, 16) and w.shape == (2, 5, 7)
    assert torch.allclose(w.sum(-1), torch.ones(2, 5), atol=1e-6)
    # keys/values are b's tokens: b as a set, so reordering b changes
    # nothing, while changing b's values changes the output
    perm = torch.randperm(7)
    assert torch.allclose(blk(a, b[:, perm]), out, atol=1e-5)
    b2 = b.clone()
    b2[:, 3] = torch.randn(2, 16)  # (a constant shift would vanish in LN)
    assert not torch.allclose(blk(a, b2), out, atol=1e-3)
    # queries are a's tokens: output rows follow a's order one to one
    pa = torch.randperm(5)
    assert torch.allclose(blk(a[:, pa], b), out[:, pa], atol=1e-5)
    # changing one token of a changes only its own output row
    a2 = a.clone()
    a2[:, 0] = torch.randn(2, 16)
    diff = (blk(a2, b) - out).abs().sum(-1)
    diff = diff.detach()
    assert float(diff[:, 0].min()) > 1e-3 and float(diff[:, 1:].max()) < 1e-5
    with pytest.raises(ValueError, match='x_b'):
        blk(a, torch.randn(2, 7, 8))


def test_cross_modal_adapter_maps_tokens_in_time():
    torch.manual_seed(0)
    ad = CrossModalAdapter(16, num_layers=2, num_heads=4)
    x = torch.randn(3, 6, 16, requires_grad=True)
    y = ad(x)
    assert y.shape == (3, 6, 16)
    y.sum().backward()
    assert x.grad.abs().sum() > 0
    assert ad([x, x]).shape == (3, 6, 16)
    with pytest.raises(ValueError, match='CrossModalAdapter'):
        ad(torch.randn(3, 6, 8))


# ---------------------------------------------- scores and multi-label data
def test_scores_option_keeps_the_keypoints():
    plain = make_synthetic_multiview(seed=2, **SMALL)
    scored = make_synthetic_multiview(seed=2, scores=True, **SMALL)
    assert 'keypoint_score' not in plain['annotations'][0]
    for a, b in zip(plain['annotations'], scored['annotations']):
        assert np.array_equal(a['keypoint'], b['keypoint'])
        sc = b['keypoint_score']
        assert sc.shape == b['keypoint'].shape[:3] and sc.dtype == np.float32
        assert 0 < sc.min() and sc.max() <= 1
    assert plain['split'] == scored['split']


def test_multilabel_sequences_concatenate_two_recordings():
    data = make_synthetic_multiview(seed=2, scores=True, **SMALL)
    out = make_multilabel_sequences(data, seed=0, single_prob=0.25)
    again = make_multilabel_sequences(data, seed=0, single_prob=0.25)
    assert [a['labels'] for a in out['annotations']] == \
        [a['labels'] for a in again['annotations']]
    src = {a['frame_dir']: a for a in data['annotations']}
    sizes = set()
    for a in out['annotations']:
        first = src[a['frame_dir']]
        sizes.add(len(a['labels']))
        assert a['label'] == first['label'] and a['label'] in a['labels']
        T1 = first['total_frames']
        assert np.array_equal(a['keypoint'][:first['keypoint'].shape[0], :T1],
                              first['keypoint'])
        assert a['keypoint_score'].shape == a['keypoint'].shape[:3]
        assert a['total_frames'] == a['keypoint'].shape[1]
        assert (a['total_frames'] > T1) == (len(a['labels']) == 2)
    assert sizes == {1, 2}
    names = {a['frame_dir'] for a in out['annotations']}
    for k, v in out['split'].items():
        assert set(v) <= set(data['split'][k]) and set(v) <= names


@pytest.fixture(scope='module')
def scored(tmp_path_factory):
    """Small scored synthetic set and its multi-label version."""
    d = tmp_path_factory.mktemp('vicokd')
    data = write_synthetic_multiview(str(d / 'mv.pkl'), seed=1, scores=True,
                                     **SMALL)
    ml = make_multilabel_sequences(data, seed=0)
    with open(d / 'ml.pkl', 'wb') as f:
        pickle.dump(ml, f)
    return dict(single=str(d / 'mv.pkl'), multi=str(d / 'ml.pkl'))


def build_dataset(cfg, key, ann):
    ds_cfg = cfg[key].dataset
    ds_cfg.update(ann_file=ann, num_classes=None)
    return DATASETS.build(ds_cfg)


def test_items_carry_scores_and_multi_hot_labels(scored):
    cfg = Config.fromfile(STUDENT)
    ds = build_dataset(cfg, 'train_dataloader', scored['single'])
    item = ds[0]
    x = item['inputs']
    assert x.shape[:2] == (1, 2) and x.shape[-2:] == (25, 7)
    # channel 6 is keypoint_score at the sampled frames: within (0, 1]
    v = int(item['data_samples'].view_mask.nonzero()[0])
    sc = x[0, v, 0, :, :, 6]
    assert float(sc.min()) > 0 and float(sc.max()) <= 1
    # channels 3-5 are bones (mmaction2's nturgb+d pair (0, 1): b0 = j0 - j1)
    j, b = x[0, v, 0, :, :, :3], x[0, v, 0, :, :, 3:6]
    assert torch.allclose(b[:, 0], j[:, 0] - j[:, 1], atol=1e-5)
    # the single-view validation items carry the same channels
    val = build_dataset(cfg, 'val_dataloader', scored['single'])
    assert val[0]['inputs'].shape[-1] == 7
    ml = Config.fromfile(ML_STUDENT)
    ds = build_dataset(ml, 'train_dataloader', scored['multi'])
    y = [ds[i]['data_samples'].gt_label for i in range(len(ds))]
    assert all(t.dtype == torch.float32 and t.shape == (20, ) for t in y)
    assert {int(t.sum()) for t in y} == {1, 2}


def test_keep_score_and_multi_hot_errors():
    keep = TRANSFORMS.build(
        dict(type='KeepKeypointScore',
             transforms=[dict(type='PreNormalize3D')]))
    kp = np.random.default_rng(0).normal(size=(1, 5, 25, 3)).astype(
        np.float32)
    kp[0, 2] = 0  # PreNormalize3D drops this frame
    r = dict(frame_dir='S001C001P001R001A001', keypoint=kp,
             keypoint_score=np.ones((1, 5, 25), np.float32), total_frames=5)
    with pytest.raises(ValueError, match="keypoint_score"):
        keep(r)
    hot = TRANSFORMS.build(dict(type='MultiHotLabel', num_classes=3))
    with pytest.raises(ValueError, match="'labels'"):
        hot(dict(label=0, labels=[0, 3]))
    assert hot(dict(label=2))['label'].tolist() == [0., 0., 1.]


# ---------------------------------------------------- configs and models
def samples(view_mask, K, multi=False):
    out = []
    for i, m in enumerate(view_mask):
        ds = ActionDataSample()
        if multi:
            y = torch.zeros(K)
            y[[i % K, (i + 1) % K]] = 1
            ds.set_gt_label(y)
        else:
            ds.set_gt_label(i % K)
        ds.set_field(torch.tensor(m), 'view_mask')
        ds.set_field(torch.arange(1, len(m) + 1), 'view_ids')
        out.append(ds)
    return out


def tiny_batch(model_cfg, C, T=16, view_mask=((True, True), (True, False))):
    M, _, J = model_cfg.example_input
    x = torch.randn(len(view_mask), 1, len(view_mask[0]), M, T, J, C)
    for n, m in enumerate(view_mask):
        for v, ok in enumerate(m):
            if not ok:
                x[n, :, v] = 0
    if C == 7:
        x[..., 6] = torch.rand(x.shape[:-1])
    K = model_cfg.cls_head.num_classes
    multi = bool(model_cfg.cls_head.get('multi_class', False))
    return x, samples([list(m) for m in view_mask], K, multi)


def teacher_cfg_of(path):
    cfg = Config.fromfile(path)
    if cfg.model.type == 'ViCoKDTeacher':
        return cfg, None
    return Config.fromfile(cfg.model.teacher), cfg


def channels(cfg):
    return 7 if 'KeepKeypointScore' in str(cfg.train_dataloader) else 6


@pytest.mark.parametrize('path', CONFIGS)
def test_every_config_builds_and_steps(path, tmp_path):
    torch.manual_seed(0)
    tcfg, dcfg = teacher_cfg_of(path)
    teacher = MODELS.build(tcfg.model)
    teacher.init_weights()
    C = channels(tcfg)
    x, ds = tiny_batch(tcfg.model, C)
    if dcfg is None:
        losses = teacher(x, ds, mode='loss')
        sum(v for k, v in losses.items() if k.startswith('loss')).backward()
        # predict on one view (mmaction2's PoseDataset input)
        teacher.eval()
        with torch.no_grad():
            pred = teacher(x[:, :, 0], ds, mode='predict')
        assert pred[0].pred_score.shape == (tcfg.model.cls_head.num_classes,)
        return
    ckpt = tmp_path / 't.pth'
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    dcfg.model.teacher_ckpt = str(ckpt)
    model = MODELS.build(dcfg.model)
    model.init_weights()
    model.train()
    assert not model.teacher.training
    losses = model(x, ds, mode='loss')
    want = {'loss_cls', 'loss_kl', 'loss_embed', 'loss_token',
            'loss_consistency'}
    assert want <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.student.adapters['b'].out.weight.grad is not None
    model.eval()
    with torch.no_grad():
        pred = model(x[:, :, 0], ds, mode='predict')  # the student alone
    assert len(pred) == 2
    assert dcfg.test_dataloader.dataset.type == 'PoseDataset'


def test_distiller_terms_and_ablations(tmp_path):
    torch.manual_seed(0)
    tcfg = Config.fromfile(TEACHER)
    teacher = MODELS.build(tcfg.model)
    ckpt = tmp_path / 't.pth'
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    x, ds = tiny_batch(tcfg.model, 7, T=32,
                       view_mask=((True, True), (True, True), (False, True)))
    cfg = Config.fromfile(STUDENT)
    cfg.model.teacher_ckpt = str(ckpt)
    model = MODELS.build(cfg.model)
    model.train()
    assert not model.teacher.training
    model.eval()  # no dropout: the terms can be recomputed exactly
    with torch.no_grad():
        losses = model(x, ds, mode='loss')
        s = model.student.extract_views(x, ds)
        t = model.teacher.extract_views(x, ds)
        logits = model.student.cls_head(s['z_views'][s['mask']])
        grid = torch.zeros(3, 2, 20)
        grid[s['mask']] = logits.softmax(-1)
        # the consistency term on the student's per-view softmax, gated by
        # the joint scores of input channel 6
        ref = model.consistency_loss(grid, s['mask'],
                                     scores=x[:, 0, ..., 6])
        tok = torch.nn.functional.mse_loss(s['tokens']['b'],
                                           t['tokens']['b'])
        emb = torch.nn.functional.mse_loss(s['z_views'][s['mask']],
                                           t['z_views'][s['mask']])
    assert s['z_views'].shape == (3, 2, 64)
    assert torch.allclose(losses['loss_consistency'], ref, atol=1e-6)
    assert torch.allclose(losses['loss_token'], tok, atol=1e-6)
    assert torch.allclose(losses['loss_embed'], emb, atol=1e-6)
    # ablations: no adapter (no token term, no adapter weights), no
    # consistency
    cfg.model.use_adapter = False
    cfg.model.consistency_loss.loss_weight = 0.0
    model = MODELS.build(cfg.model)
    losses = model(x, ds, mode='loss')
    assert 'loss_token' not in losses and 'loss_consistency' not in losses
    assert model.student.adapters is None
    assert set(model.student.blocks[0]) == {'j'}


def test_bad_inputs_give_clear_errors(tmp_path):
    tcfg = Config.fromfile(TEACHER)
    teacher = MODELS.build(tcfg.model)
    x, ds = tiny_batch(tcfg.model, 7)
    # a recording without any valid view
    bad = samples([[False, False], [True, False]], 20)
    with pytest.raises(ValueError, match='view_mask'):
        teacher(x, bad, mode='loss')
    # wrong joint count (an N-UCLA item on an NTU model)
    with pytest.raises(ValueError, match='20 joints'):
        teacher(x[..., :20, :], ds, mode='loss')
    # too few channels for the configured streams
    with pytest.raises(ValueError, match=r"modalities\['b'\]"):
        teacher(x[..., :3], ds, mode='loss')
    # missing teacher checkpoint: the path is named
    cfg = Config.fromfile(STUDENT)
    cfg.model.teacher_ckpt = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        MODELS.build(cfg.model)
    cfg.model.teacher_ckpt = str(tmp_path)  # a work dir never trained in
    with pytest.raises(FileNotFoundError, match='last_checkpoint'):
        MODELS.build(cfg.model)
    # a checkpoint of another architecture is refused, keys named
    other = MODELS.build(Config.fromfile(ML_TEACHER).model)
    torch.save(dict(state_dict={k: v for k, v in other.state_dict().items()
                                if 'blocks' not in k}), tmp_path / 'x.pth')
    cfg.model.teacher_ckpt = str(tmp_path / 'x.pth')
    with pytest.raises(ValueError, match='missing keys'):
        MODELS.build(cfg.model)


# ------------------------------------------------------------- end to end
def data_opts(ann, common):
    # the 20-class heads of the configs; the tiny set uses classes 0-3 (the
    # distiller builds the teacher from its config file, unchanged)
    loaders = ('train_dataloader', 'val_dataloader', 'test_dataloader')
    return [f'{k}.dataset.ann_file={ann}' for k in loaders] + common


COMMON = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
          'param_scheduler.0.T_max=1', 'train_dataloader.batch_size=4',
          'log_level=WARNING']


def run_pair(teacher, student, ann, tmp_path):
    opts = data_opts(ann, COMMON)
    train_tool.main([teacher, '--work-dir', str(tmp_path / 't'),
                     '--cfg-options'] + opts)
    s_opts = opts + [f'model.teacher_ckpt={tmp_path / "t"}']
    runner = train_tool.main([student, '--work-dir', str(tmp_path / 's'),
                              '--cfg-options'] + s_opts)
    assert runner.train_loop.epoch == 1
    return test_tool.main([student, str(tmp_path / 's' / 'epoch_1.pth'),
                           '--work-dir', str(tmp_path / 'st'),
                           '--cfg-options'] + s_opts)


@pytest.mark.e2e
def test_teacher_then_student_train_and_test(scored, tmp_path):
    metrics = run_pair(TEACHER, STUDENT, scored['single'], tmp_path)
    # the student alone on the held-out camera
    assert 0.0 <= metrics['acc/top1'] <= 1.0 and 'acc_view/top1_c1' in metrics


@pytest.mark.slow
def test_multilabel_teacher_then_student(scored, tmp_path):
    # mAP skips the classes without positives
    metrics = run_pair(ML_TEACHER, ML_STUDENT, scored['multi'], tmp_path)
    assert 0.0 <= metrics['acc/mean_average_precision'] <= 1.0
