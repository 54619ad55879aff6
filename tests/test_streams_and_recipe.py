"""set_stream (joint / bone / motion streams) and the N-UCLA recipe tool."""
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose

from kdmvnet_mm.apis import set_stream

CFGS = ['configs/baselines/stgcnpp_nwucla_xview_cpu.py',
        'configs/kdmvnet/teacher_nwucla_xview_cpu.py',
        'configs/kdmvnet/student_nwucla_xview_cpu.py']


def _sample(t=12, joints=20, frame_dir='a01_v01'):
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(1, t, joints, 3)).astype(np.float32)
    return dict(keypoint=kp, total_frames=t, label=0, frame_dir=frame_dir,
                start_index=0, modality='Pose')


@pytest.mark.parametrize('path', CFGS)
@pytest.mark.parametrize('stream', ['b', 'jm'])
def test_set_stream_changes_every_loader(path, stream):
    cfg = set_stream(Config.fromfile(path), [stream])
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        feats = [t['feats'] for t in cfg[key].dataset.pipeline
                 if t['type'] == 'GenSkeFeat']
        assert feats == [[stream]], key
    # the joint config is untouched by the bone one
    joint = Config.fromfile(path)
    assert [t['feats'] for t in joint.val_dataloader.dataset.pipeline
            if t['type'] == 'GenSkeFeat'] == [['j']]


def test_set_stream_changes_top_level_pipelines():
    # tools/cache_teacher.py builds its dataset from mv_test_pipeline
    cfg = set_stream(Config.fromfile(CFGS[1]), ['b'])
    for key in ('mv_test_pipeline', 'mv_train_pipeline'):
        assert [t['feats'] for t in cfg[key]
                if t['type'] == 'GenSkeFeat'] == [['b']], key


def test_bone_stream_feeds_bones_through_the_real_pipeline():
    cfg = Config.fromfile(CFGS[0])
    joint = Compose(cfg.val_dataloader.dataset.pipeline)(_sample())
    set_stream(cfg, ['b'])
    bone = Compose(cfg.val_dataloader.dataset.pipeline)(_sample())
    assert joint['inputs'].shape == bone['inputs'].shape == (1, 1, 52, 20, 3)
    assert not np.allclose(joint['inputs'], bone['inputs'])


def test_set_stream_rejects_unknown_stream_and_missing_genskefeat():
    cfg = Config.fromfile(CFGS[0])
    with pytest.raises(ValueError, match='unknown skeleton stream'):
        set_stream(cfg, ['x'])
    cfg.val_dataloader.dataset.pipeline = [
        t for t in cfg.val_dataloader.dataset.pipeline
        if t['type'] != 'GenSkeFeat']
    with pytest.raises(ValueError, match='val_dataloader.*GenSkeFeat'):
        set_stream(cfg, ['b'])


def test_early_fused_stream_needs_a_backbone_to_size():
    cfg = Config.fromfile(CFGS[0])
    cfg.model = dict(type='SomeRecognizer', encoder=dict(in_channels=3))
    with pytest.raises(ValueError, match='model: no backbone dict'):
        set_stream(cfg, ['j', 'b'])
    cfg = set_stream(Config.fromfile(CFGS[0]), ['j', 'b'])
    cfg.model.backbone.in_channels = 5  # not 2 streams of equal channels
    with pytest.raises(ValueError, match='in_channels 5 is not a multiple'):
        set_stream(cfg, ['j', 'b', 'jm'])


def test_recipe_refuses_a_student_without_its_teacher(tmp_path, capsys):
    from tools import nwucla_recipe
    with pytest.raises(SystemExit):
        nwucla_recipe.main(['--work-dir', str(tmp_path), '--models',
                            'student', '--data', str(tmp_path / 'x.pkl')])
    assert 'teacher' in capsys.readouterr().err
    for streams in ('q', 'j+q'):
        with pytest.raises(SystemExit):
            nwucla_recipe.main(['--work-dir', str(tmp_path), '--streams',
                                streams])


@pytest.mark.slow
def test_recipe_end_to_end_on_a_small_nwucla_subset(tmp_path):
    """Convert, train baseline / teacher / student on two streams for one
    epoch, test on v03, fuse the streams, write the report and the plot."""
    import json
    import os.path as osp
    import pickle
    from kdmvnet_mm.datasets.converters import convert_nwucla
    from tools import nwucla_recipe
    src = '../shared/data/nwucla/all_sqe.tar.xz'
    if not osp.isfile(src):
        pytest.skip(f'{src} not found (../shared is absent in a fresh clone)')
    full = tmp_path / 'full.pkl'
    convert_nwucla(src, full)
    with open(full, 'rb') as f:
        data = pickle.load(f)
    recs = sorted({n[:-4] for n in data['split']['xview_train']})[:12]
    train = [n for n in data['split']['xview_train'] if n[:-4] in recs]
    val = data['split']['xview_val'][:10]
    keep = set(train) | set(val)
    small = dict(split=dict(xview_train=train, xview_val=val),
                 annotations=[a for a in data['annotations']
                              if a['frame_dir'] in keep])
    with open(tmp_path / 'small.pkl', 'wb') as f:
        pickle.dump(small, f)
    wd = tmp_path / 'wd'
    nwucla_recipe.main(['--work-dir', str(wd), '--data',
                        str(tmp_path / 'small.pkl'), '--streams', 'j,b',
                        '--epochs', '1'])
    res = json.loads((wd / 'results.json').read_text())
    assert set(res) == {'baseline', 'teacher', 'student'}
    for row in res.values():
        assert set(row) == {'j', 'b', 'fused'}
        assert 0 <= row['fused'] <= 100
    assert (wd / 'student_confusion.png').stat().st_size > 0
    assert 'fused top-1' in (wd / 'report.md').read_text()
    # --reuse reads every real run back: no checkpoint is written again
    ckpt = wd / 'b' / 'student' / 'epoch_1.pth'
    before = ckpt.stat().st_mtime_ns
    nwucla_recipe.main(['--work-dir', str(wd), '--data',
                        str(tmp_path / 'small.pkl'), '--streams', 'j,b',
                        '--epochs', '1', '--reuse'])
    assert ckpt.stat().st_mtime_ns == before
    assert json.loads((wd / 'results.json').read_text()) == res


def test_recipe_reuse_trains_only_what_changed(tmp_path, monkeypatch,
                                               capsys):
    """--reuse reads back runs finished on the same config; a new stream,
    a changed config or a retrained teacher trains again. Training and
    caching are faked: this checks the recipe's bookkeeping."""
    import json
    import os
    import os.path as osp
    import pickle

    from tools import nwucla_recipe
    wd, data = tmp_path / 'wd', tmp_path / 'data.pkl'
    data.write_bytes(b'')  # present, so the recipe does not convert
    trained, needs, broken = [], {}, []

    def fake_jobs(jobs, workers=1, on_done=None):
        out, first = [], len(trained)
        for j in jobs:
            run_dir = j['cfg'].work_dir
            if osp.relpath(run_dir, wd) in broken:
                raise RuntimeError(f'training {run_dir} failed')
            os.makedirs(run_dir, exist_ok=True)
            trained.append(osp.relpath(run_dir, wd))
            # the runs a job waits for, by their indices in ``jobs``
            needs[trained[-1]] = [trained[first + d]
                                  for d in j.get('after', ())]
            prepare_s = 0.0
            if j.get('prepare'):  # the teacher cache, in the job's process
                fn, fargs = j['prepare']
                prepare_s = fn(*fargs)[1]
            # a new checkpoint file per training, as mmengine writes it
            ckpt = osp.join(run_dir, f'epoch_{len(trained)}.pth')
            open(ckpt, 'wb').close()
            with open(osp.join(run_dir, 'last_checkpoint'), 'w') as f:
                f.write(ckpt)
            rng = np.random.default_rng(len(trained))
            with open(j['dump'], 'wb') as f:
                pickle.dump([dict(pred_score=rng.normal(size=10),
                                  gt_label=k % 10) for k in range(20)], f)
            out.append(dict(top1=dict(C3=50.0 + len(trained)),
                            train_s=100.0, ckpt=ckpt, prepare_s=prepare_s))
            on_done(len(out) - 1, out[-1])
        return out

    monkeypatch.setattr(nwucla_recipe, 'train_and_test_jobs', fake_jobs)
    monkeypatch.setattr(nwucla_recipe, 'cache_for_student',
                        lambda c, d: ({}, 5.0))

    def recipe(*argv):
        del trained[:]
        nwucla_recipe.main(['--work-dir', str(wd), '--data', str(data),
                            '--models', 'teacher,student', '--jobs', '1']
                           + list(argv))
        return sorted(trained)

    assert recipe('--streams', 'j') == ['j/student', 'j/teacher']
    # the student waits for its own teacher only
    assert needs == {'j/teacher': [], 'j/student': ['j/teacher']}
    report = (wd / 'report.md').read_text()
    assert '| teacher | 12 | ' in report and '| student | 36 | ' in report
    j_student = json.loads((wd / 'j/student/recipe_result.json').read_text())
    assert j_student['train_s'] == 105.0  # the cache counts
    # a second stream: the joint one is read back, times still sum both
    assert recipe('--streams', 'j,b', '--reuse') == ['b/student',
                                                     'b/teacher']
    assert needs['b/student'] == ['b/teacher']
    assert 'j/student: reused' in capsys.readouterr().out
    res = json.loads((wd / 'results.json').read_text())
    assert res['student']['j'] == dict(top1=j_student['top1'],
                                       train_s=105.0, epochs=36)
    assert 0 <= res['student']['fused'] <= 100
    assert recipe('--streams', 'j,b', '--reuse') == []
    # without --reuse everything trains again
    assert len(recipe('--streams', 'j')) == 2
    # changed configs train again
    assert recipe('--streams', 'j', '--reuse', '--epochs', '2') == [
        'j/student', 'j/teacher']
    # a student whose config is unchanged but whose teacher was retrained
    nwucla_recipe.main(['--work-dir', str(wd), '--data', str(data),
                        '--models', 'teacher', '--streams', 'b',
                        '--jobs', '1'])
    del trained[:]
    nwucla_recipe.main(['--work-dir', str(wd), '--data', str(data),
                        '--models', 'student', '--streams', 'b',
                        '--reuse', '--jobs', '1'])
    assert trained == ['b/student']
    # a failed student: its teacher's result is saved as the teacher ends,
    # so the next --reuse trains the student only
    broken.append('jm/student')
    with pytest.raises(RuntimeError, match='jm/student failed'):
        recipe('--streams', 'jm')
    assert (wd / 'jm/teacher/recipe_result.json').is_file()
    del broken[:]
    assert recipe('--streams', 'jm', '--reuse') == ['jm/student']


@pytest.mark.parametrize('path', CFGS)
def test_early_fused_stream_sets_the_input_channels(path):
    """['j', 'b', 'jm'] feeds 9 channels, and every backbone (the
    student's teacher too) and example input is sized for them."""
    cfg = set_stream(Config.fromfile(path), ['j', 'b', 'jm'])
    out = Compose(cfg.val_dataloader.dataset.pipeline)(_sample())
    assert out['inputs'].shape == (1, 1, 52, 20, 9)
    joint = Compose(Config.fromfile(path).val_dataloader.dataset.pipeline)(
        _sample())
    assert np.allclose(out['inputs'][..., :3], joint['inputs'])
    model = cfg.model.get('student', cfg.model)
    assert model.backbone.in_channels == 9
    if 'teacher' in cfg.model:  # read from its config path into a dict
        assert cfg.model.teacher.backbone.in_channels == 9
        assert cfg.model.teacher.example_input[-1] == 9
    if 'example_input' in model:
        assert model.example_input[-1] == 9
    # back to one stream: 3 channels again
    assert set_stream(cfg, ['b']).model.get(
        'student', cfg.model).backbone.in_channels == 3


def test_early_fused_baseline_trains_on_its_pipeline_output():
    import torch
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    cfg = set_stream(Config.fromfile(CFGS[0]), ['j', 'b', 'jm'])
    model = MODELS.build(cfg.model)
    out = Compose(cfg.train_dataloader.dataset.pipeline)(_sample(60))
    data = model.data_preprocessor(
        dict(inputs=[out['inputs']], data_samples=[out['data_samples']]),
        training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])


SYNTHETIC_CFGS = [
    'configs/baselines/stgcnpp_synthetic_xview_cpu.py',
    'configs/kdmvnet/teacher_synthetic_xview_cpu.py',
    'configs/kdmvnet/student_synthetic_xview_cpu.py'
]


@pytest.mark.parametrize('path', CFGS + SYNTHETIC_CFGS)
def test_test_averages_ten_clips_and_validation_takes_one(path):
    import torch
    from mmengine.dataset import pseudo_collate

    from mmaction.registry import MODELS
    cfg = Config.fromfile(path)
    sample = dict(joints=20) if path in CFGS else dict(
        joints=25, frame_dir='S001C001P001R001A001')
    val = Compose(cfg.val_dataloader.dataset.pipeline)(_sample(30, **sample))
    assert val['inputs'].shape[0] == 1
    items = [Compose(cfg.test_dataloader.dataset.pipeline)(
        _sample(t, **sample)) for t in (30, 70)]
    assert [it['inputs'].shape[0] for it in items] == [10, 10]
    # the loops start at different frames, so the clips differ
    assert not torch.equal(items[0]['inputs'][0], items[0]['inputs'][1])
    # the student's predict is its recognizer's (KDMVNetDistiller.forward)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model.get('student', cfg.model)).eval()
    data = model.data_preprocessor(pseudo_collate(items), False)
    with torch.no_grad():
        fused = model(**data, mode='predict')
        per_clip = [
            model(data['inputs'][:, k:k + 1], data['data_samples'],
                  mode='predict') for k in range(10)]
    for i, ds in enumerate(fused):
        mean = torch.stack([p[i].pred_score for p in per_clip]).mean(0)
        torch.testing.assert_close(ds.pred_score, mean)
