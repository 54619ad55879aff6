"""CMMVL: synthetic RGB rendering, multi-modal multi-view items, the SimSiam
cross-view loss, the distiller's terms, and training through tools/."""
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from conftest import SHARED_DATA
from kdmvnet_mm.datasets.synthetic_rgb import (project_to_image,
                                               write_synthetic_rgb_multiview)
from kdmvnet_mm.models.losses import CrossViewSimSiamLoss
from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from tools import test as test_tool
from tools import train as train_tool

DISTILL = 'configs/cmmvl/cmmvl_synthetic_xview_cpu.py'
TEACHER = 'configs/cmmvl/posec3d_teacher_synthetic_xview_cpu.py'
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


@pytest.fixture(scope='module')
def rgb_set(tmp_path_factory):
    out = tmp_path_factory.mktemp('rgb')
    write_synthetic_rgb_multiview(
        str(out), seed=1, size=32, num_classes=4, num_performers=4,
        num_replications=1, num_setups=1, max_frames=60)
    return out


def data_opts(rgb_set, extra=()):
    ann, videos = rgb_set / 'rgbpose.pkl', rgb_set / 'videos'
    o = []
    for k in LOADERS:
        o.append(f'{k}.dataset.ann_file={ann}')
    for k in ('val_dataloader', 'test_dataloader'):
        o.append(f'{k}.dataset.data_prefix.video={videos}')
    return o + list(extra)


# --------------------------------------------------------------- rendering
def test_rendered_videos_match_their_annotations(rgb_set):
    import cv2
    with open(rgb_set / 'rgbpose.pkl', 'rb') as f:
        data = pickle.load(f)
    a = data['annotations'][0]
    assert a['keypoint'].shape[-1] == 2 and a['img_shape'] == (32, 32)
    kp = a['keypoint']
    assert kp.min() >= 0 and kp.max() <= 32  # fitted into the frame
    cap = cv2.VideoCapture(str(rgb_set / 'videos' / a['filename']))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == a['total_frames']
    ok, frame = cap.read()
    assert ok and frame.shape == (32, 32, 3)
    # the skeleton is drawn: pixels near the projected joints are bright
    t0 = np.round(kp[0, 0]).astype(int).clip(0, 31)
    assert frame[t0[:, 1], t0[:, 0]].max() > frame.mean() + 30
    # splits name the video files (mmaction2's rule for entries with one)
    assert all(n.endswith('.avi') for n in data['split']['xview_train'])


def test_projection_keeps_left_right_and_up():
    kp = np.zeros((1, 1, 3, 3), np.float32)
    kp[..., 2] = 3.0
    kp[0, 0, 1, 0] = 0.5   # to the right
    kp[0, 0, 2, 1] = 0.5   # up
    uv = project_to_image(kp, 32)
    assert uv[0, 0, 1, 0] > uv[0, 0, 0, 0]
    assert uv[0, 0, 2, 1] < uv[0, 0, 0, 1]  # image rows grow downwards


def test_multiview_item_holds_rgb_and_heatmaps_of_the_same_frames(rgb_set):
    cfg = Config.fromfile(DISTILL)
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.update(ann_file=str(rgb_set / 'rgbpose.pkl'),
                  data_prefix=dict(video=str(rgb_set / 'videos')))
    ds = DATASETS.build(ds_cfg)
    item = ds[0]
    imgs, heat = item['inputs']['imgs'], item['inputs']['heatmap_imgs']
    assert imgs.shape == (1, 2, 3, 8, 32, 32) and imgs.dtype == torch.uint8
    assert heat.shape == (1, 2, 25, 8, 32, 32)
    # heatmap peaks sit on drawn pixels: the two modalities are one clip
    v = int(item['data_samples'].view_mask.nonzero()[0])
    peak = heat[0, v, :, 3].amax(0)
    on = imgs[0, v, :, 3].float().amax(0)
    assert on[peak > 0.5].mean() > on[peak < 0.05].mean() + 20


@pytest.mark.skipif(not (SHARED_DATA / 'ntu_rgb').is_dir(),
                    reason='../shared/data/ntu_rgb is absent')
def test_real_ntu_clip_decodes_through_mmaction2_transforms():
    path = SHARED_DATA / 'ntu_rgb' / 'S001C001P001R001A001_rgb.avi'
    pipe = [TRANSFORMS.build(t) for t in (
        dict(type='OpenCVInit'),
        dict(type='UniformSampleFrames', clip_len=8, test_mode=True),
        dict(type='OpenCVDecode'),
        dict(type='Resize', scale=(-1, 64)),
        dict(type='FormatShape', input_format='NCTHW'))]
    r = dict(filename=str(path), start_index=0, modality='RGB')
    for t in pipe:
        r = t(r)
    assert r['total_frames'] == 103
    assert r['original_shape'] == (1080, 1920)
    assert r['imgs'].shape == (1, 3, 8, 64, 114)
    assert r['imgs'].std() > 10  # real image content, not a blank frame


# ------------------------------------------------------------------- loss
def simsiam_reference(feats, mask, predictor, lam):
    total = 0.0
    N, V, _ = feats.shape
    mask = mask & (mask.sum(1, keepdim=True) >= 2)
    p = torch.zeros_like(feats)
    p[mask] = predictor(feats[mask])
    for n in range(N):
        for i in range(V):
            for j in range(i + 1, V):
                if mask[n, i] and mask[n, j]:
                    total += -0.5 * F.cosine_similarity(
                        p[n, i], feats[n, j].detach(), dim=0)
                    total += -0.5 * F.cosine_similarity(
                        p[n, j], feats[n, i].detach(), dim=0)
    return lam * total / N


def test_cross_view_simsiam_matches_the_formula():
    torch.manual_seed(0)
    loss = CrossViewSimSiamLoss(in_channels=6, hidden_channels=4,
                                loss_weight=0.5)
    feats = torch.randn(3, 3, 6, requires_grad=True)
    mask = torch.tensor([[1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=torch.bool)
    got = loss(feats, mask)
    ref = simsiam_reference(feats, mask, loss.predictor, 0.5)
    assert torch.allclose(got, ref, atol=1e-6)
    # 4 pairs, each CL in [-1, 1]
    assert abs(float(got)) <= 0.5 * 4 / 3
    # the masked view gets no gradient; the targets are stop-gradient: the
    # loss reaches h only through the predictor branch
    got.backward()
    assert feats.grad[1, 1].abs().sum() == 0 and feats.grad[2].abs().sum() == 0
    # one view everywhere: no pair, zero loss (and no BatchNorm on 1 row)
    one = torch.tensor([[1, 0, 0], [0, 0, 1], [1, 0, 0]], dtype=torch.bool)
    assert float(loss(feats, one)) == 0.0
    with pytest.raises(ValueError, match='5 channels'):
        loss(torch.randn(2, 2, 5), one[:2, :2])


# -------------------------------------------------------------- distiller
@pytest.fixture(scope='module')
def teacher_ckpt(rgb_set, tmp_path_factory):
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(TEACHER).model)
    model.init_weights()
    path = tmp_path_factory.mktemp('t') / 'teacher.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


def build_distiller(rgb_set, teacher_ckpt, **kw):
    cfg = Config.fromfile(DISTILL)
    cfg.model.teacher_ckpt = teacher_ckpt
    cfg.model.update(kw)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.update(ann_file=str(rgb_set / 'rgbpose.pkl'),
                  data_prefix=dict(video=str(rgb_set / 'videos')))
    ds = DATASETS.build(ds_cfg)
    batch = pseudo_collate([ds[i] for i in range(4)])
    return model, model.data_preprocessor(batch, True)


def test_teacher_frozen_and_terms_follow_their_formulas(rgb_set,
                                                        teacher_ckpt):
    model, data = build_distiller(rgb_set, teacher_ckpt, main_view=2)
    model.train()
    assert not model.teacher.training
    assert not any(p.requires_grad for p in model.teacher.parameters())
    seen = {}
    head = model.student.cls_head
    orig = head.forward

    def spy(x):
        seen['rows'] = x.shape[0]
        seen['logits'] = orig(x)
        return seen['logits']

    head.forward = spy
    torch.manual_seed(0)
    losses = model(**data, mode='loss')
    # class scores for the main student of each recording only
    assert seen['rows'] == 4
    heat = data['inputs']['heatmap_imgs'][:, 0, 0]  # camera 2 = slot 0
    t = model.teacher_logits(heat)
    s = seen['logits']
    kl = 4.0 * F.kl_div(F.log_softmax(s / 2, 1), F.softmax(t / 2, 1),
                        reduction='batchmean')
    assert torch.allclose(losses['loss_kl'], kl, atol=1e-5)
    assert torch.allclose(losses['loss_pseudo'],
                          F.cross_entropy(s, t.argmax(1)), atol=1e-5)
    assert losses['loss_cl'].requires_grad
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.cl_loss.predictor[0].weight.grad is not None


def test_ablations_and_bad_configs(rgb_set, teacher_ckpt, tmp_path):
    # one student: no CL term, the other views are not run at all
    model, data = build_distiller(rgb_set, teacher_ckpt, multi_student=False)
    losses = model(**data, mode='loss')
    assert 'loss_cl' not in losses and 'loss_kl' in losses
    # no distillation: ground-truth CE, no teacher needed
    model, data = build_distiller(
        rgb_set, None, teacher=None, logit_loss=None, pseudo_weight=0.0,
        gt_weight=1.0)
    losses = model(**data, mode='loss')
    assert set(k for k in losses if k.startswith('loss')) == {'loss_cls',
                                                              'loss_cl'}
    with pytest.raises(ValueError, match='need a teacher'):
        build_distiller(rgb_set, None, teacher=None)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        build_distiller(rgb_set, str(tmp_path / 'nope.pth'))


@pytest.mark.e2e
def test_teacher_then_cmmvl_train_and_test(rgb_set, tmp_path):
    common = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
              'param_scheduler.0.T_max=1', 'train_dataloader.batch_size=4',
              'log_level=WARNING']
    train_tool.main([TEACHER, '--work-dir', str(tmp_path / 't'),
                     '--cfg-options'] + data_opts(rgb_set, common))
    videos = rgb_set / 'videos'
    runner = train_tool.main(
        [DISTILL, '--work-dir', str(tmp_path / 's'), '--cfg-options'] +
        data_opts(rgb_set, common + [
            f'train_dataloader.dataset.data_prefix.video={videos}',
            f'model.teacher_ckpt={tmp_path / "t"}']))
    assert runner.train_loop.epoch == 1
    metrics = test_tool.main(
        [DISTILL, str(tmp_path / 's' / 'epoch_1.pth'), '--work-dir',
         str(tmp_path / 'st'), '--cfg-options'] +
        data_opts(rgb_set, [f'model.teacher_ckpt={tmp_path / "t"}']))
    # the student alone, on the held-out camera's RGB
    assert 0.0 <= metrics['acc/top1'] <= 1.0 and 'acc_view/top1_c1' in metrics


# ------------------------------------------------------------ NTU configs
NTU_CMMVL = ['configs/cmmvl/cmmvl_ntu60_xsub.py',
             'configs/cmmvl/cmmvl_ntu60_xview.py',
             'configs/cmmvl/cmmvl_ntu120_xsub.py',
             'configs/cmmvl/cmmvl_ntu120_xset.py']


@pytest.mark.parametrize('path', NTU_CMMVL)
def test_ntu_configs_build_and_step(path, tmp_path):
    from mmengine.structures import LabelData  # noqa: F401
    from mmaction.structures import ActionDataSample
    cfg = Config.fromfile(path)
    teacher = MODELS.build(Config.fromfile(cfg.model.teacher).model)
    ckpt = tmp_path / 't.pth'
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    cfg.model.teacher_ckpt = str(ckpt)
    model = MODELS.build(cfg.model)
    K = cfg.model.student.cls_head.num_classes
    # one recording, two cameras; small frames keep the R50s quick on CPU
    samples = []
    for label in (0, K - 1):
        ds = ActionDataSample().set_gt_label(label)
        ds.set_field(torch.tensor([True, True]), 'view_mask')
        ds.set_field(torch.tensor([1, 2]), 'view_ids')
        samples.append(ds)
    data = dict(
        inputs=dict(
            imgs=[torch.randint(0, 255, (1, 2, 3, 4, 32, 32),
                                dtype=torch.uint8) for _ in samples],
            heatmap_imgs=[torch.rand(1, 2, 17, 4, 16, 16) for _ in samples]),
        data_samples=samples)
    data = model.data_preprocessor(data, True)
    losses = model(**data, mode='loss')
    assert {'loss_kl', 'loss_pseudo', 'loss_cl'} <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert cfg.train_dataloader.dataset.type == 'MultiViewPoseDataset'
    assert cfg.test_dataloader.dataset.type == 'PoseDataset'


@pytest.mark.skipif(not (SHARED_DATA / 'ntu_rgb').is_dir(),
                    reason='../shared/data/ntu_rgb is absent')
def test_ntu_test_pipeline_reads_the_real_rgb_clip():
    cfg = Config.fromfile(NTU_CMMVL[0])
    pipe = []
    for t in cfg.test_dataloader.dataset.pipeline:
        if t['type'] == 'FrameDirToFilename':
            t = dict(t, prefix=str(SHARED_DATA / 'ntu_rgb'))
        if t['type'] == 'UniformSampleFrames':  # 1080p seeks are slow
            t = dict(t, clip_len=8, num_clips=1)
        pipe.append(TRANSFORMS.build(t))
    r = dict(frame_dir='S001C001P001R001A001', label=0, start_index=0,
             modality='RGB')
    for t in pipe:
        r = t(r)
    assert tuple(r['inputs'].shape) == (1, 3, 8, 224, 224)


def test_ablation_variants_build(rgb_set, teacher_ckpt, tmp_path):
    from kdmvnet_mm.apis import load_experiment_cfg
    from tools.analysis.ablations import STUDIES
    variants = dict(STUDIES['cmmvl']['variants'],
                    lambda_0={'model.cl_loss.loss_weight': 0.0})
    for name, opts in variants.items():
        opts = dict(opts)
        if opts.get('model.teacher', '') is not None:
            opts['model.teacher_ckpt'] = teacher_ckpt
        cfg = load_experiment_cfg(STUDIES['cmmvl']['config'],
                                  str(tmp_path / name), name, None, opts)
        model = MODELS.build(cfg.model)
        assert (model.teacher is None) == (name == 'no_distill')
        assert model.multi_student == (name != 'one_student')
    assert model.cl_loss.loss_weight == 0.0
