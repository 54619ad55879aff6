"""KDMVNetDistiller: frozen teacher, FMRD losses, cache, student extraction."""
import copy
import glob

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from conftest import make_tiny_ntu
from kdmvnet_mm.datasets import MultiViewPoseDataset
from mmaction.registry import MODELS
from test_multiview_recognizer import SMALL, samples

STUDENT = dict(SMALL, dpvic=None,
               neck=dict(SMALL['neck'], num_layers=1))


def save_teacher(path, cfg=SMALL, seed=0):
    torch.manual_seed(seed)
    teacher = MODELS.build(cfg)
    torch.save(dict(state_dict=teacher.state_dict()), path)
    return teacher


def distiller(tmp_path, **kw):
    ckpt = tmp_path / 'teacher.pth'
    if not ckpt.exists():
        save_teacher(ckpt)
    cfg = dict(type='KDMVNetDistiller', student=copy.deepcopy(STUDENT),
               teacher=copy.deepcopy(SMALL), teacher_ckpt=str(ckpt),
               feature_loss=dict(type='FMRDLoss', student_channels=32,
                                 teacher_channels=32, view_ids=(1, 2, 3)))
    cfg.update(kw)
    return MODELS.build(cfg)


def batch(n=3, mask=((1, 1, 1), (1, 0, 1), (0, 1, 1))):
    ds = samples(n, 3, mask=[list(m) for m in mask[:n]])
    for d in ds:
        d.view_mask = d.view_mask.bool()
    return torch.randn(n, 1, 3, 2, 8, 25, 3), ds


def test_teacher_loaded_frozen_and_out_of_optimisation(tmp_path):
    model = distiller(tmp_path)
    ref = torch.load(tmp_path / 'teacher.pth')['state_dict']
    t_state = model.teacher.state_dict()
    for k, v in t_state.items():
        assert torch.equal(v, ref[k]), k
    model.train()
    assert not model.teacher.training and model.student.training
    assert all(not p.requires_grad for p in model.teacher.parameters())
    # the Runner's init_weights must not re-initialise the loaded teacher
    model.init_weights()
    assert torch.equal(model.teacher.state_dict()['proj.weight'],
                       ref['proj.weight'])
    # dpvic banks are training-only state: not in the distiller's teacher
    assert not any(k.startswith('dpvic') for k in t_state)

    opt = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1,
        weight_decay=0.1)
    before = copy.deepcopy(model.teacher.state_dict())
    s_before = model.student.proj.weight.clone()
    x, ds = batch()
    losses = model.loss(x, ds)
    assert {'loss_cls', 'loss_kl', 'loss_anchor', 'loss_recon'} <= set(losses)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    opt.step()
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert not torch.equal(model.student.proj.weight, s_before)
    assert all(p.grad is None for p in model.teacher.parameters())


def test_missing_or_mismatched_teacher_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        distiller(tmp_path, teacher_ckpt=str(tmp_path / 'nope.pth'))
    other = dict(SMALL, cls_head=dict(SMALL['cls_head'], num_classes=7))
    save_teacher(tmp_path / 'other.pth', other)
    with pytest.raises(ValueError, match=r'shape mismatch \[cls_head.fc'):
        distiller(tmp_path, teacher_ckpt=str(tmp_path / 'other.pth'))
    no_neck = dict(SMALL, neck=None)
    save_teacher(tmp_path / 'noneck.pth', no_neck)
    with pytest.raises(ValueError, match=r'missing keys \[neck\.'):
        distiller(tmp_path, teacher_ckpt=str(tmp_path / 'noneck.pth'))
    with pytest.raises(ValueError, match=r'unexpected keys \[neck\.'):
        distiller(tmp_path, teacher=no_neck,
                  teacher_ckpt=str(tmp_path / 'teacher.pth'))
    with pytest.raises(FileNotFoundError, match='last_checkpoint'):
        distiller(tmp_path, teacher_ckpt=str(tmp_path))


@pytest.mark.parametrize('views,rows', [('all', 7), ('random', 3)])
def test_student_samples_per_recording(tmp_path, views, rows, monkeypatch):
    model = distiller(tmp_path, student_views=views)
    seen = []
    orig = model.student.extract_views
    monkeypatch.setattr(model.student, 'extract_views',
                        lambda x, m: seen.append(x.shape[0]) or orig(x, m))
    calls = []
    t_orig = model.teacher.extract_views
    monkeypatch.setattr(model.teacher, 'extract_views',
                        lambda x, m: calls.append(x.shape[0]) or t_orig(x, m))
    model.loss(*batch())
    assert seen == [rows]
    assert calls == [3]  # the teacher runs once per recording


def test_losses_follow_config_weights(tmp_path):
    x, ds = batch()
    full = distiller(tmp_path)
    half = distiller(tmp_path, logit_loss=dict(
        type='SoftTargetKLLoss', temperature=4.0, loss_weight=0.5),
        feature_loss=None)
    half.student.load_state_dict(full.student.state_dict())
    a, b = full.loss(x, ds), half.loss(x, ds)
    assert torch.allclose(b['loss_kl'], 0.5 * a['loss_kl'])
    assert torch.allclose(b['loss_cls'], a['loss_cls'])
    assert 'loss_anchor' not in b and 'loss_recon' not in b


def _mv_dataset(tmp_path):
    ann = make_tiny_ntu(tmp_path / 'tiny.pkl', num_classes=5,
                        drop={(1, 2, 3)})
    pipe = [dict(type='SyncUniformSampleFrames', clip_len=8, test_mode=True),
            dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=2),
            dict(type='PackActionInputs')]
    return MultiViewPoseDataset(ann_file=ann, pipeline=pipe, split='xsub_train',
                                test_mode=True)


def test_cache_gives_the_same_losses_as_online_teacher(tmp_path):
    from tools.cache_teacher import cache_teacher
    ds = _mv_dataset(tmp_path)
    online = distiller(tmp_path)
    cache = cache_teacher(online.teacher, ds, batch_size=2, progress=False)
    torch.save(cache, tmp_path / 'cache.pth')
    cached = distiller(tmp_path, teacher=None, teacher_ckpt=None,
                       teacher_cache=str(tmp_path / 'cache.pth'))
    cached.student.load_state_dict(online.student.state_dict())
    cached.feature_loss.load_state_dict(online.feature_loss.state_dict())
    assert cached.teacher is None
    data = online.data_preprocessor(pseudo_collate([ds[i] for i in (3, 1, 0)]),
                                    True)
    a = online.loss(**data)
    b = cached.loss(**data)
    assert set(a) == set(b)
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-5), k
    # recordings missing from the cache fail clearly
    data['data_samples'][0].set_metainfo(dict(recording='S001P009R001A001'))
    with pytest.raises(KeyError, match='S001P009R001A001'):
        cached.loss(**data)


def test_extracted_student_loads_without_teacher(tmp_path):
    from tools.extract_student import extract
    model = distiller(tmp_path)
    model.loss(*batch())
    torch.save(dict(state_dict=model.state_dict(), meta={}),
               tmp_path / 'd.pth')
    out = extract(str(tmp_path / 'd.pth'))
    assert not any(k.startswith(('teacher', 'feature_loss'))
                   for k in out['state_dict'])
    plain = MODELS.build(STUDENT)
    plain.load_state_dict(out['state_dict'], strict=True)
    x = torch.randn(2, 1, 2, 8, 25, 3)
    model.eval()
    plain.eval()
    ds = [samples(1, 1)[0] for _ in range(2)]
    assert torch.allclose(model.student(x, ds, mode='tensor'),
                          plain(x, ds, mode='tensor'))
    with pytest.raises(ValueError, match='no "student.'):
        torch.save(dict(state_dict={'w': torch.ones(1)}), tmp_path / 'x.pth')
        extract(str(tmp_path / 'x.pth'))


def test_student_backbone_starts_from_the_teacher(tmp_path, monkeypatch):
    from kdmvnet_mm.models.distillers import teacher_utils
    reads = []
    real = teacher_utils._load_checkpoint
    monkeypatch.setattr(teacher_utils, '_load_checkpoint',
                        lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    model = distiller(tmp_path, init_student_from_teacher=('backbone', ))
    assert len(reads) == 1  # the online teacher's weights are copied
    ref = torch.load(tmp_path / 'teacher.pth')['state_dict']
    ref = {k[9:]: v for k, v in ref.items() if k.startswith('backbone.')}

    def same(m):
        return all(torch.equal(v, ref[k]) for k, v in m.state_dict().items())

    assert same(model.student.backbone)
    model.init_weights()  # what the Runner does before training
    assert same(model.student.backbone)
    # the rest of the student keeps its own init
    plain = distiller(tmp_path)
    assert not same(plain.student.backbone)
    # with a cache, the checkpoint the cache records is used
    torch.save(dict(recordings=[], view_ids=[], view_mask=[],
                    z_views=torch.zeros(0, 3, 32), logits=torch.zeros(0, 5),
                    meta=dict(checkpoint=str(tmp_path / 'teacher.pth'))),
               tmp_path / 'c.pth')
    cached = distiller(tmp_path, teacher=None, teacher_ckpt=None,
                       teacher_cache=str(tmp_path / 'c.pth'),
                       init_student_from_teacher=('backbone', ))
    assert same(cached.student.backbone)
    # a backbone of another size fails naming the keys
    small = dict(STUDENT, backbone=dict(STUDENT['backbone'], base_channels=16))
    with pytest.raises(ValueError,
                       match=r'teacher.pth\) does not match student '
                       r'backbone.*mismatch \[gcn'):
        distiller(tmp_path, student=small,
                  init_student_from_teacher=('backbone', ))
    with pytest.raises(ValueError, match="no submodule 'trunk'"):
        distiller(tmp_path, init_student_from_teacher=('trunk', ))
    with pytest.raises(ValueError, match='needs teacher_ckpt'):
        distiller(tmp_path, teacher=None, teacher_ckpt=None,
                  init_student_from_teacher=('backbone', ))


@pytest.mark.parametrize(
    'cfg', sorted(glob.glob('configs/kdmvnet/student_*.py')))
def test_student_configs_build_and_step(cfg, tmp_path):
    c = Config.fromfile(cfg)
    t_cfg = Config.fromfile(c.model.teacher).model
    save_teacher(tmp_path / 't.pth', t_cfg)
    c.model.teacher_ckpt = str(tmp_path / 't.pth')
    model = MODELS.build(c.model)
    M, _, J, C = c.model.student.example_input
    x = torch.randn(2, 1, 2, M, 12, J, C)
    ds = samples(2, 2)
    losses = model.loss(x, ds)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert c.train_dataloader.dataset.type == 'MultiViewPoseDataset'
    assert c.test_dataloader.dataset.type == 'PoseDataset'
