"""MMCV self-supervised pretraining (DESIGN.md §5): CVCL / CVKD against
hand computations, momentum updates, index-aligned queues (also under
DDP), the two-crop and augmentation transforms, the linear-evaluation
encoder, every config, and a tiny pretrain -> linear-eval run."""
import glob
import math
import os
import os.path as osp
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmaction.registry import MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PRE_CPU = 'configs/mmcv_ssl/mmcv_pretrain_synthetic_xview_cpu.py'
LIN_CPU = 'configs/mmcv_ssl/mmcv_linear_synthetic_xview_cpu.py'
STREAMS = ('joint', 'motion', 'bone')


def tiny_learner(queue_size=6, topk=4, streams=STREAMS, **kw):
    return MODELS.build(dict(
        type='CrossViewMutualLearner',
        backbone=dict(type='BIGRU', hidden_channels=4, num_layers=1),
        feat_dim=8, embed_dim=3, streams=streams, queue_size=queue_size,
        cvkd_loss=dict(type='CVKDLoss', topk=topk), **kw))


# ------------------------------------------------------------------ CVCL
def ce0(row):
    """-log softmax(row)[0], by hand."""
    return -row[0] + math.log(sum(math.exp(v) for v in row))


def test_cvcl_single_stream_by_hand():
    loss = MODELS.build(dict(type='CVCLLoss', temperature=1.0))
    t = torch.tensor
    q, k, p = t([[1., 0.]]), t([[1., 0.]]), t([[0., 1.]])
    qk, qp = t([[0., 1.]]), t([[1., 0.]])
    out = loss(dict(joint=q), dict(joint=k), dict(joint=p),
               dict(joint=qk), dict(joint=qp))
    # l1 = [q.p, q.Qp, q.Qk] = [0, 1, 0]; l2 = [q.k, q.Qk, q.Qp] = [1, 0, 1]
    want = (math.log(2 + math.e) + math.log((2 * math.e + 1) / math.e)) / 2
    assert out['cvcl_inter_model'].item() == pytest.approx(want, rel=1e-6)
    assert out['cvcl_inter_modal'].item() == 0.0
    assert out['loss_cvcl'].item() == pytest.approx(want, rel=1e-6)


def test_cvcl_inter_modal_extra_negatives_by_hand():
    """Two streams, temperature 0.5: the inter-modal rows are
    [q_a.k_a | q_a.Qk_a | q_b.Qk_b] / T."""
    T = 0.5
    loss = MODELS.build(dict(type='CVCLLoss', temperature=T,
                             loss_weight=2.0))
    rng = np.random.default_rng(0)
    e = {n: rng.normal(size=(2, 3)) for n in
         ('qa', 'qb', 'ka', 'kb', 'pa', 'pb')}
    Q = {n: rng.normal(size=(4, 3)) for n in ('Qka', 'Qkb', 'Qpa', 'Qpb')}
    model_terms, modal_terms = [], []
    for s in 'ab':
        q, k, p = e['q' + s], e['k' + s], e['p' + s]
        for n in range(2):
            r1 = [q[n] @ p[n]] + list(Q['Qp' + s] @ q[n]) + \
                list(Q['Qk' + s] @ q[n])
            r2 = [q[n] @ k[n]] + list(Q['Qk' + s] @ q[n]) + \
                list(Q['Qp' + s] @ q[n])
            model_terms += [ce0(np.array(r1) / T), ce0(np.array(r2) / T)]
    for a, b in (('a', 'b'), ('b', 'a')):
        rows = [[e['q' + a][n] @ e['k' + a][n]] +
                list(Q['Qk' + a] @ e['q' + a][n]) +
                list(Q['Qk' + b] @ e['q' + b][n]) for n in range(2)]
        modal_terms.append(np.mean([ce0(np.array(r) / T) for r in rows]))
    # per logit matrix CE is a batch mean; 4 model matrices, 2 modal ones
    inter_model = np.mean(model_terms)
    inter_modal = np.mean(modal_terms)

    def d(prefix):
        return {n: torch.tensor(e[prefix + s]) for n, s in
                (('j', 'a'), ('m', 'b'))}

    def qd(prefix):
        return {n: torch.tensor(Q[prefix + s]) for n, s in
                (('j', 'a'), ('m', 'b'))}
    out = loss(d('q'), d('k'), d('p'), qd('Qk'), qd('Qp'))
    assert out['cvcl_inter_model'].item() == pytest.approx(inter_model)
    assert out['cvcl_inter_modal'].item() == pytest.approx(inter_modal)
    assert out['loss_cvcl'].item() == pytest.approx(
        2.0 * (inter_model + inter_modal))


# ------------------------------------------------------------------ CVKD
def onehot_rows(values):
    """Queue rows whose first coordinate is ``values`` (dot with e_1)."""
    rows = torch.zeros(len(values), 2, dtype=torch.float64)
    rows[:, 0] = torch.tensor(values, dtype=torch.float64)
    rows[:, 1] = 1.0
    return rows


def test_cvkd_topk_temperatures_and_direction_by_hand():
    kd = MODELS.build(dict(type='CVKDLoss', topk=2, teacher_temperature=0.05,
                           student_temperature=0.1))
    e1 = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    q = e1.clone().requires_grad_(True)
    t_sims, s_sims = [0.9, 0.1, 0.5], [0.2, 0.8, 0.4]
    got = kd.distill(e1, onehot_rows(t_sims), q, onehot_rows(s_sims))
    # the teacher's top-2 are entries 0 and 2; the student's 0.8 (entry 1)
    # is left out
    pt = np.exp(np.array([0.9, 0.5]) / 0.05)
    pt /= pt.sum()
    ps = np.exp(np.array([0.2, 0.4]) / 0.1)
    ps /= ps.sum()
    want = float((pt * np.log(pt / ps)).sum())  # KL(teacher || student)
    reverse = float((ps * np.log(ps / pt)).sum())
    assert got.item() == pytest.approx(want, rel=1e-9)
    assert abs(want - reverse) > 1e-3
    got.backward()
    assert q.grad is not None and bool(q.grad.abs().sum() > 0)


def test_cvkd_pairs_and_group_means():
    kd = MODELS.build(dict(type='CVKDLoss', topk=3, loss_weight=0.25))
    model, modal = kd.pairs(['j', 'm'])
    assert model == [(('p', 'j', 'p'), ('q', 'j', 'k')),
                     (('k', 'j', 'k'), ('q', 'j', 'p')),
                     (('p', 'm', 'p'), ('q', 'm', 'k')),
                     (('k', 'm', 'k'), ('q', 'm', 'p'))]
    assert modal == [(('k', 'j', 'k'), ('q', 'm', 'k')),
                     (('k', 'm', 'k'), ('q', 'j', 'k'))]
    g = torch.Generator().manual_seed(0)

    def r(*s):
        return F.normalize(torch.randn(*s, generator=g), dim=-1)
    q, k, p = ({s: r(2, 4) for s in 'jm'} for _ in range(3))
    Qk, Qp = ({s: r(5, 4) for s in 'jm'} for _ in range(2))
    k['j'].requires_grad_(True)
    out = kd(q, k, p, Qk, Qp)
    m = np.mean([kd.distill(p[s], Qp[s], q[s], Qk[s]).item() for s in 'jm'] +
                [kd.distill(k[s], Qk[s], q[s], Qp[s]).item() for s in 'jm'])
    x = np.mean([kd.distill(k['j'], Qk['j'], q['m'], Qk['m']).item(),
                 kd.distill(k['m'], Qk['m'], q['j'], Qk['j']).item()])
    assert out['cvkd_inter_model'].item() == pytest.approx(m, rel=1e-5)
    assert out['cvkd_inter_modal'].item() == pytest.approx(x, rel=1e-5)
    assert out['loss_cvkd'].item() == pytest.approx(0.25 * (m + x),
                                                    rel=1e-5)
    assert not out['loss_cvkd'].requires_grad or \
        torch.autograd.grad(out['loss_cvkd'], k['j'],
                            allow_unused=True)[0] is None


# ------------------------------------------------------ momentum, queues
def test_momentum_update_both_momenta():
    model = tiny_learner()
    model.momentum_update()  # first update: k and p copy q
    q = model.encoder_q['bone']
    for par in q.parameters():
        par.data.add_(1.0)
    old_k = [x.clone() for x in model.encoder_k['bone'].module.parameters()]
    old_p = [x.clone() for x in model.encoder_p['bone'].module.parameters()]
    model.momentum_update()
    for par, ok, op, nk, np_ in zip(
            q.parameters(), old_k, old_p,
            model.encoder_k['bone'].module.parameters(),
            model.encoder_p['bone'].module.parameters()):
        assert torch.allclose(nk, 0.999 * ok + 0.001 * par, atol=1e-6)
        assert torch.allclose(np_, 0.995 * op + 0.005 * par, atol=1e-6)
    assert not any(x.requires_grad
                   for x in model.encoder_k.parameters())


def test_queues_stay_index_aligned_with_wrap_around():
    model = tiny_learner(queue_size=5)
    ids = []
    for step in range(4):  # 8 keys through 5 rows: wraps around
        b = torch.tensor([2. * step, 2. * step + 1])
        ids += b.tolist()
        k = {s: torch.stack([b, b + 100 * i, b * 0 + 1], 1)
             for i, s in enumerate(STREAMS)}
        p = {s: v + 0.5 for s, v in k.items()}
        model.enqueue(k, p)
    assert int(model.queue_ptr) == 8 % 5
    # ring buffer: row r holds the last id written there
    want = [None] * 5
    for j, i in enumerate(ids):
        want[j % 5] = i
    for i, s in enumerate(STREAMS):
        for kind, off in (('k', 0.0), ('p', 0.5)):
            qu = model.queue(kind, s)
            assert qu[:, 0].tolist() == [w + off for w in want], (kind, s)
            assert qu[:, 1].tolist() == [w + 100 * i + off for w in want]


def test_loss_step_and_bad_input():
    model = tiny_learner(queue_size=6)
    x = torch.randn(3, 2, 2, 5, 25, 9)
    before = model.queue('k', 'joint').clone()
    losses = model(x, mode='loss')
    total = losses['loss_cvcl'] + losses['loss_cvkd']
    total.backward()  # the in-place enqueue did not break the graph
    assert int(model.queue_ptr) == 3
    assert not torch.equal(model.queue('k', 'joint')[:3], before[:3])
    assert torch.equal(model.queue('k', 'joint')[3:], before[3:])
    assert all(par.grad is not None for par in model.encoder_q.parameters())
    with pytest.raises(ValueError, match='inputs'):
        model(torch.randn(3, 2, 2, 5, 25, 3), mode='loss')
    with pytest.raises(ValueError, match='queue_size'):
        tiny_learner(queue_size=2)(x, mode='loss')
    with pytest.raises(ValueError, match='topk'):
        tiny_learner(queue_size=4, topk=8)
    with pytest.raises(ValueError, match='streams'):
        tiny_learner(streams=('joint', 'velocity'))


DDP_WORKER = r'''
import os, sys
sys.path.insert(0, {root!r})
import torch, torch.distributed as dist
import kdmvnet_mm
from mmengine.registry import init_default_scope
from mmaction.registry import MODELS
init_default_scope('mmaction')
dist.init_process_group('gloo')
rank = dist.get_rank()
torch.manual_seed(0)  # same initial weights and queues on both ranks
model = MODELS.build(dict(
    type='CrossViewMutualLearner',
    backbone=dict(type='BIGRU', hidden_channels=4, num_layers=1),
    feat_dim=8, embed_dim=3, queue_size=10,
    cvkd_loss=dict(type='CVKDLoss', topk=4)))
steps = []
for step in range(3):  # 3 x 2 ranks x 2 keys = 12 rows: wraps around
    torch.manual_seed(100 * step + rank)  # different batches per rank
    x = torch.randn(2, 2, 2, 5, 25, 9)
    captured = {{}}
    orig = model.enqueue
    def spy(k, p):
        captured.update(k={{s: v.clone() for s, v in k.items()}},
                        p={{s: v.clone() for s, v in p.items()}})
        return orig(k, p)
    model.enqueue = spy
    model(x, mode='loss')
    model.enqueue = orig
    steps.append(captured)
torch.save(dict(steps=steps, ptr=model.queue_ptr.clone(),
                queues={{n: b.clone() for n, b in model.named_buffers()
                        if n.startswith('queue_')}}),
           os.path.join({out!r}, f'rank{{rank}}.pth'))
dist.destroy_process_group()
'''


@pytest.mark.skipif(not torch.distributed.is_gloo_available(),
                    reason='needs gloo')
def test_ddp_queues_enqueue_the_gathered_keys(tmp_path):
    script = tmp_path / 'worker.py'
    script.write_text(DDP_WORKER.format(root=ROOT, out=str(tmp_path)))
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run',
         '--nproc_per_node=2', f'--master_port={port}', str(script)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r0, r1 = (torch.load(tmp_path / f'rank{i}.pth') for i in (0, 1))
    assert int(r0['ptr']) == int(r1['ptr']) == 12 % 10
    for name in r0['queues']:
        assert torch.equal(r0['queues'][name], r1['queues'][name]), name
    # the queues hold rank 0's then rank 1's keys of each step, in order
    rows = []
    for s0, s1 in zip(r0['steps'], r1['steps']):
        assert not torch.equal(s0['k']['joint'], s1['k']['joint'])
        rows.append({f'queue_{kind}_{s}': torch.cat(
            [s0[kind][s], s1[kind][s]]) for kind in 'kp' for s in STREAMS})
    for name in r0['queues']:
        if name == 'queue_ptr':
            continue
        want = torch.cat([r[name] for r in rows])  # 12 rows, wrapped
        got = r0['queues'][name]
        assert torch.allclose(got[:2], want[10:12]), name
        assert torch.allclose(got[2:10], want[2:10]), name


# ------------------------------------------------------------ transforms
def sequence(T=40, M=2, C=9, seed=0):
    kp = np.random.default_rng(seed).normal(size=(M, T, 25, C))
    kp[..., 0] = np.arange(T)[None, :, None]  # channel 0 holds the frame
    kp[1, :] = 0  # an absent second person
    return dict(keypoint=kp.astype(np.float32), total_frames=T,
                frame_dir='S001C001P001R001A001')


def test_two_crops_from_one_sequence_resized():
    t = TRANSFORMS.build(dict(type='TemporalCropResize', clip_len=16,
                              num_crops=2, ratio_range=(0.5, 1.0)))
    np.random.seed(3)
    r = t(sequence(T=40))
    assert r['keypoint'].shape == (2, 32, 25, 9)
    assert r['num_clips'] == 2 and r['clip_len'] == 16
    for c, (s, L) in enumerate(r['crop_bounds']):
        assert 20 <= L <= 40 and 0 <= s and s + L <= 40
        frames = r['keypoint'][0, 16 * c:16 * (c + 1), 0, 0]
        # linear resize, align_corners=False
        x = np.clip((np.arange(16) + 0.5) * L / 16 - 0.5, 0, L - 1)
        assert np.allclose(frames, s + x, atol=1e-4)
    assert not np.array_equal(r['crop_bounds'][0], r['crop_bounds'][1])
    assert not r['keypoint'][1].any()  # padding stays zero
    out = TRANSFORMS.build(dict(type='FormatGCNInput', num_person=2))(r)
    assert out['keypoint'].shape == (2, 2, 16, 25, 9)


def test_crop_resize_identity_test_mode_and_padding_frames():
    t = TRANSFORMS.build(dict(type='TemporalCropResize', clip_len=10,
                              num_crops=1, ratio_range=(1.0, 1.0)))
    seq = sequence(T=10)
    r = t(dict(seq, keypoint=seq['keypoint'].copy()))
    assert np.allclose(r['keypoint'], seq['keypoint'])  # L == clip_len
    seq = sequence(T=50)
    seq['keypoint'][:, 40:] = 0  # trailing padding frames are not valid
    t = TRANSFORMS.build(dict(type='TemporalCropResize', clip_len=8,
                              num_crops=2, test_mode=True, test_ratio=0.5))
    r = t(seq)
    # b = floor((1 - 0.5) * 40 / 2) = 10 on the 40 valid frames
    assert r['crop_bounds'].tolist() == [[10, 20]] * 2
    with pytest.raises(ValueError, match='keypoint'):
        t(dict(keypoint=np.zeros((1, 5, 25, 2))))


def test_shear_is_seeded_per_clip_and_linear():
    t = TRANSFORMS.build(dict(type='RandomShear3D', amplitude=0.5))
    seq = sequence(T=20)
    seq['num_clips'] = 2
    np.random.seed(7)
    a = t(dict(seq, keypoint=seq['keypoint'].copy()))
    np.random.seed(7)
    b = t(dict(seq, keypoint=seq['keypoint'].copy()))
    assert np.array_equal(a['keypoint'], b['keypoint'])
    m0, m1 = a['shear_mats']
    assert not np.allclose(m0, m1)
    assert np.allclose(np.diag(m0), 1) and np.abs(m0).max() <= 1.0
    x = seq['keypoint'][0, 12, 3].reshape(3, 3)  # clip 1, 3 streams
    assert np.allclose(a['keypoint'][0, 12, 3].reshape(3, 3), x @ m1.T,
                       atol=1e-5)
    assert not a['keypoint'][1].any()


def test_joint_corruption_is_seeded_and_zeroes_joints_only():
    t = TRANSFORMS.build(dict(type='RandomJointCorruption', ratio=0.2,
                              p=1.0))
    seq = sequence(T=20)
    seq['num_clips'] = 2
    np.random.seed(1)
    a = t(dict(seq))
    np.random.seed(1)
    b = t(dict(seq))
    assert np.array_equal(a['keypoint'], b['keypoint'])
    for c, joints in enumerate(a['corrupted_joints']):
        assert len(joints) == 5  # round(0.2 * 25)
        clip = a['keypoint'][0, 10 * c:10 * (c + 1)]
        orig = seq['keypoint'][0, 10 * c:10 * (c + 1)]
        assert not clip[:, joints].any()
        keep = np.setdiff1d(np.arange(25), joints)
        assert np.array_equal(clip[:, keep], orig[:, keep])
    assert not np.array_equal(*a['corrupted_joints'])
    assert np.array_equal(t(dict(seq), )['keypoint'].shape,
                          seq['keypoint'].shape)
    with pytest.raises(ValueError, match='ratio'):
        TRANSFORMS.build(dict(type='RandomJointCorruption', ratio=1.0))


# ------------------------------------------------------- linear eval
@pytest.fixture(scope='module')
def pretrained_ckpt(tmp_path_factory):
    cfg = Config.fromfile(PRE_CPU)
    cfg.model.queue_size, cfg.model.cvkd_loss.topk = 8, 4
    model = MODELS.build(cfg.model)
    path = tmp_path_factory.mktemp('pre') / 'epoch_1.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), path)
    return str(path), model


def linear_model(checkpoint, stream='joint'):
    cfg = Config.fromfile(LIN_CPU)
    cfg.model.backbone.checkpoint = checkpoint
    cfg.model.backbone.stream = stream
    return MODELS.build(cfg.model)


def test_linear_eval_loads_and_freezes_the_encoder(pretrained_ckpt):
    path, pre = pretrained_ckpt
    model = linear_model(path, 'motion')
    want = pre.encoder_q['motion'].backbone.state_dict()
    got = model.backbone.encoder.state_dict()
    assert want.keys() == got.keys()
    assert all(torch.equal(want[k], got[k]) for k in want)
    model.init_weights()  # what the Runner does: must keep the weights
    assert all(torch.equal(want[k], model.backbone.encoder.state_dict()[k])
               for k in want)
    model.train()
    assert not model.backbone.encoder.training
    x = torch.randn(2, 1, 2, 8, 25, 9)
    ds = [ActionDataSample().set_gt_label(i) for i in range(2)]
    model.loss(x, ds)['loss_cls'].backward()
    with_grad = {n for n, p in model.named_parameters() if p.grad is not None}
    assert with_grad == {'cls_head.fc.weight', 'cls_head.fc.bias'}
    # the motion stream reads channels 3:6 only
    y = x.clone()
    y[..., :3] += 1
    y[..., 6:] -= 1
    model.eval()
    with torch.no_grad():
        assert torch.allclose(model.extract_feat(x)[0],
                              model.extract_feat(y)[0])


def test_linear_eval_bad_checkpoints(pretrained_ckpt, tmp_path):
    missing = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        linear_model(missing)
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict={'backbone.conv.weight': torch.zeros(1)}),
               other)
    with pytest.raises(ValueError,
                       match=r'other\.pth.*encoder_q\.joint\.backbone\.'):
        linear_model(str(other))
    path, pre = pretrained_ckpt
    state = {k: v for k, v in pre.state_dict().items()
             if 'gru.weight_hh' not in k}
    cut = tmp_path / 'cut.pth'
    torch.save(dict(state_dict=state), cut)
    with pytest.raises(ValueError, match=r'cut\.pth.*missing.*weight_hh'):
        linear_model(str(cut))
    with pytest.raises(ValueError, match='stream'):
        linear_model(path, 'velocity')


# ------------------------------------------------------------ configs
def full_size(path):
    return 'synthetic' not in path


PRETRAIN_CFGS = sorted(glob.glob('configs/mmcv_ssl/mmcv_pretrain_*.py'))


def check_and_step_pretrain(path, hidden=None):
    """Check a pretraining config's §5 settings, build its model (with the
    GRU narrowed to ``hidden`` when given) and train one step."""
    cfg = Config.fromfile(path)
    assert cfg.train_dataloader.drop_last
    assert cfg.model.momenta == (0.999, 0.995)
    assert cfg.model.cvcl_loss.loss_weight == 1.0
    assert cfg.model.cvkd_loss.loss_weight == 0.25
    clip = cfg.train_dataloader.dataset.pipeline[2]
    assert clip.type == 'TemporalCropResize' and clip.num_crops == 2
    if full_size(path):
        assert cfg.model.queue_size == 16384
        assert cfg.model.cvkd_loss.topk == 8192
        assert cfg.model.backbone.hidden_channels == 1024
        assert cfg.optim_wrapper.optimizer.lr == 0.02
        assert cfg.train_cfg.max_epochs == 451
        assert clip.clip_len == 64
    if hidden is not None:
        cfg.model.backbone.hidden_channels = hidden
        cfg.model.feat_dim = 2 * hidden
    model = MODELS.build(cfg.model)
    x = torch.randn(2, 2, 2, 4, 25, 9)
    losses = model(x, mode='loss')
    (losses['loss_cvcl'] + losses['loss_cvkd']).backward()
    assert int(model.queue_ptr) == 2


@pytest.mark.parametrize('path', PRETRAIN_CFGS)
def test_pretrain_config_builds_and_steps(path):
    # full-size models (9 BIGRUs of 45M parameters) at width 16 here; the
    # slow test below builds them as configured
    check_and_step_pretrain(path, hidden=16 if full_size(path) else None)


@pytest.mark.slow
@pytest.mark.parametrize('path', [p for p in PRETRAIN_CFGS if full_size(p)])
def test_pretrain_config_builds_and_steps_full_size(path):
    check_and_step_pretrain(path)


@pytest.mark.parametrize('path', sorted(glob.glob(
    'configs/mmcv_ssl/mmcv_linear_*.py')))
def test_linear_config_builds_and_steps(path):
    cfg = Config.fromfile(path)
    pre = Config.fromfile(path.replace('mmcv_linear_', 'mmcv_pretrain_'))
    assert cfg.model.backbone.encoder == pre.model.backbone
    assert cfg.model.cls_head.in_channels == pre.model.feat_dim
    if full_size(path):
        assert cfg.train_cfg.max_epochs == 80
        assert cfg.param_scheduler[0].milestones == [50, 70]
        assert cfg.optim_wrapper.optimizer.lr == 0.1
    assert cfg.model.backbone.checkpoint.startswith('work_dirs/')
    cfg.model.backbone.checkpoint = None
    model = MODELS.build(cfg.model)
    x = torch.randn(2, 1, 2, 4, 25, 9)
    k = cfg.model.cls_head.num_classes
    ds = [ActionDataSample().set_gt_label(i % k) for i in range(2)]
    model.loss(x, ds)['loss_cls'].backward()
    assert model.backbone.encoder.gru.weight_ih_l0.grad is None


def test_bigru_scale_input_makes_features_scale_invariant():
    torch.manual_seed(0)
    gru = MODELS.build(dict(type='BIGRU', hidden_channels=4, num_layers=1,
                            scale_input=True)).eval()
    x = torch.randn(3, 2, 5, 25, 3)
    small = x * 0.01  # a motion-like stream
    assert torch.allclose(gru(x), gru(small), atol=1e-5)
    # each clip by its own scale, not the batch's
    mixed = torch.cat([x[:1], small[1:]])
    assert torch.allclose(gru(mixed), gru(x), atol=1e-5)
    plain = MODELS.build(dict(type='BIGRU', hidden_channels=4,
                              num_layers=1)).eval()
    plain.load_state_dict(gru.state_dict())
    assert not torch.allclose(plain(x), plain(small), atol=1e-3)
    for cfg in ('configs/_base_/models/mmcv_bigru.py',
                'configs/_base_/models/mmcv_linear_bigru.py'):
        c = Config.fromfile(osp.join(ROOT, cfg))
        enc = c.model.backbone.get('encoder', c.model.backbone)
        assert enc.scale_input, cfg  # pretraining and linear eval agree


def test_stgcn_encoder_is_a_config_choice():
    cfg = Config.fromfile('configs/_base_/models/mmcv_stgcn.py')
    cfg.model.backbone.base_channels = 8
    cfg.model.backbone.num_stages = 2
    cfg.model.feat_dim = 8
    cfg.model.queue_size, cfg.model.cvkd_loss.topk = 8, 4
    model = MODELS.build(cfg.model)
    losses = model(torch.randn(2, 2, 2, 8, 25, 9), mode='loss')
    (losses['loss_cvcl'] + losses['loss_cvkd']).backward()
    assert type(model.encoder_q['bone'].backbone).__name__ == 'STGCN'


# ------------------------------------------------------------ end to end
def test_pretrain_then_linear_eval(synth, tmp_path):
    from tools import train as train_tool
    pre_dir, lin_dir = str(tmp_path / 'pre'), str(tmp_path / 'lin')
    common = ['randomness.seed=0', 'log_level=WARNING',
              'default_hooks.logger.interval=1']
    train_tool.main([PRE_CPU, '--work-dir', pre_dir, '--cfg-options',
                     f'train_dataloader.dataset.ann_file={synth}',
                     'train_dataloader.batch_size=8', 'train_cfg.max_epochs=1',
                     'model.queue_size=16', 'model.cvkd_loss.topk=8'] +
                    common)
    ckpt = torch.load(osp.join(pre_dir, 'epoch_1.pth'), map_location='cpu')
    sd = ckpt['state_dict']
    assert int(sd['queue_ptr']) == (ckpt['meta']['iter'] * 8) % 16
    runner = train_tool.main(
        [LIN_CPU, '--work-dir', lin_dir, '--cfg-options'] +
        [f'{k}.dataset.ann_file={synth}' for k in
         ('train_dataloader', 'val_dataloader', 'test_dataloader')] +
        [f'model.backbone.checkpoint={pre_dir}', 'model.backbone.stream=bone',
         'model.cls_head.num_classes=4', 'train_cfg.max_epochs=1',
         'train_cfg.val_interval=1'] + common)
    enc = runner.model.backbone.encoder.state_dict()
    assert all(torch.equal(enc[k], sd[f'encoder_q.bone.backbone.{k}'])
               for k in enc)
    metrics = runner.test()
    assert 0.0 <= metrics['acc/top1'] <= 1.0
