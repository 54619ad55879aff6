"""ONNX export of the student, onnxruntime against PyTorch, and inference on
skeleton files (NTU .skeleton, N-UCLA .json, pickle entry)."""
import os
import pickle
import tarfile

import numpy as np
import pytest
import torch
from mmengine.config import Config

from conftest import SHARED_DATA, make_tiny_ntu
from kdmvnet_mm.datasets.class_names import (NTU60_CLASSES, NTU120_CLASSES,
                                             class_names)
from kdmvnet_mm.datasets.validation import AnnotationError
from kdmvnet_mm.deployment import (build_clip_scores, onnx_scores,
                                   onnx_session)
from kdmvnet_mm.deployment.skeleton_input import (load_skeleton_sample,
                                                  pipeline_input)
from tools.deployment import export_onnx_student, infer

onnx = pytest.importorskip('onnx')
pytest.importorskip('onnxruntime')

STUDENT = 'configs/kdmvnet/student_synthetic_xview_cpu.py'
NWUCLA_STUDENT = 'configs/kdmvnet/student_nwucla_xview_cpu.py'


def random_student_ckpt(config, path, seed=0, prefix=''):
    torch.manual_seed(seed)
    model = build_clip_scores(config, None).model
    model.init_weights()
    state = {prefix + k: v for k, v in model.state_dict().items()}
    torch.save(dict(state_dict=state), path)
    return str(path)


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp('onnx')
    ckpt = random_student_ckpt(STUDENT, d / 'student.pth')
    out = str(d / 'student.onnx')
    res = export_onnx_student.main(
        [STUDENT, ckpt, '--out', out, '--repeats', '2'])
    return dict(ckpt=ckpt, onnx=out, res=res, dir=d)


def test_export_matches_pytorch(exported):
    res = exported['res']
    assert res['max_abs_diff'] <= 1e-5
    assert res['eager_ms'] > 0 and res['onnx_ms'] > 0
    model = onnx.load(exported['onnx'])
    assert max(o.version for o in model.opset_import if o.domain in
               ('', 'ai.onnx')) >= 17
    # batch axis is dynamic: 3 clips of different content in one run
    session = onnx_session(exported['onnx'])
    module = build_clip_scores(STUDENT, exported['ckpt'])
    x = torch.randn((3, ) + res['shape'])
    with torch.no_grad():
        ref = module(x).numpy()
    got = onnx_scores(session, x.numpy())
    assert got.shape == (3, 20)
    np.testing.assert_allclose(got, ref, atol=1e-5)
    np.testing.assert_allclose(got.sum(1), 1.0, atol=1e-5)


def test_distillation_checkpoint_exports_its_student(exported, tmp_path):
    # a KDMVNetDistiller checkpoint keeps the student under 'student.'
    ckpt = random_student_ckpt(STUDENT, tmp_path / 'distill.pth',
                               prefix='student.')
    res = export_onnx_student.main(
        [STUDENT, ckpt, '--out', str(tmp_path / 's.onnx'), '--repeats', '1'])
    assert res['max_abs_diff'] <= 1e-5


def test_export_bad_checkpoints_name_file_and_write_nothing(tmp_path):
    out = tmp_path / 'x.onnx'
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        export_onnx_student.main(
            [STUDENT, str(tmp_path / 'nope.pth'), '--out', str(out)])
    # weights of another model: the mismatching keys are named
    other = random_student_ckpt(NWUCLA_STUDENT, tmp_path / 'nwucla.pth')
    with pytest.raises(ValueError, match='nwucla.pth does not match the '
                       'student config: missing keys'):
        export_onnx_student.main([STUDENT, other, '--out', str(out)])
    assert os.listdir(tmp_path) == ['nwucla.pth']


def test_infer_on_a_pickle_entry_matches_pytorch(exported, tmp_path, capsys):
    ann = make_tiny_ntu(tmp_path / 'tiny.pkl', num_classes=3)
    name = 'S001C001P001R001A002'
    top = infer.main([exported['onnx'], STUDENT, ann, '--sample', name,
                      '--classes', 'synthetic'])
    out = capsys.readouterr().out
    assert 'labelled 1 (wave_left)' in out
    assert len(top) == 5 and out.count('\n') == 6
    # the same clips through PyTorch rank the classes the same way
    cfg = Config.fromfile(STUDENT)
    anno = load_skeleton_sample(ann, name)
    x, _ = pipeline_input(anno, cfg)
    module = build_clip_scores(cfg, exported['ckpt'])
    with torch.no_grad():
        ref = module(torch.from_numpy(x)).mean(0).numpy()
    assert [k for k, _, _ in top] == list(np.argsort(-ref)[:5])
    assert top[0][2] == pytest.approx(float(ref.max()), abs=1e-5)
    with pytest.raises(ValueError, match='name one'):
        infer.main([exported['onnx'], STUDENT, ann])
    with pytest.raises(AnnotationError, match="frame_dir.*'nope'"):
        infer.main([exported['onnx'], STUDENT, ann, '--sample', 'nope'])


def test_infer_rejects_bad_skeleton_input(exported, tmp_path):
    ann = make_tiny_ntu(tmp_path / 'tiny.pkl', num_classes=2)
    with open(ann, 'rb') as f:
        data = pickle.load(f)
    data['annotations'][0]['keypoint'][0, 3, 4, 1] = np.nan
    bad = tmp_path / 'nan.pkl'
    with open(bad, 'wb') as f:
        pickle.dump(data, f)
    name = data['annotations'][0]['frame_dir']
    with pytest.raises(AnnotationError, match=f'nan.pkl.*{name}.*keypoint'):
        infer.main([exported['onnx'], STUDENT, str(bad), '--sample', name])
    wrong = tmp_path / 'seq.txt'
    wrong.write_text('1 2 3')
    with pytest.raises(ValueError, match=r'seq.txt.*\.skeleton, \.json'):
        infer.main([exported['onnx'], STUDENT, str(wrong)])
    with pytest.raises(FileNotFoundError, match='missing.onnx'):
        infer.main([str(tmp_path / 'missing.onnx'), STUDENT, ann])


@pytest.mark.skipif(not (SHARED_DATA / 'ntu_raw').is_dir(),
                    reason='../shared/data/ntu_raw is absent')
def test_infer_on_an_ntu_skeleton_file(exported, capsys):
    path = SHARED_DATA / 'ntu_raw' / 'S001C003P008R002A058.skeleton'
    top = infer.main([exported['onnx'], STUDENT, str(path)])
    out = capsys.readouterr().out
    # the label comes from the NTU name; 20 synthetic classes -> plain names
    assert 'labelled 57' not in out  # 57 is outside this 20-class model
    assert out.startswith('S001C003P008R002A058: 10 clip(s) of (2, 32, 25, 3)')
    assert len(top) == 5


@pytest.mark.skipif(not (SHARED_DATA / 'nwucla').is_dir(),
                    reason='../shared/data/nwucla is absent')
def test_infer_on_an_nwucla_json(tmp_path, capsys):
    with tarfile.open(SHARED_DATA / 'nwucla' / 'all_sqe.tar.xz') as tar:
        for m in tar:
            if m.isfile() and m.name.endswith('.json'):
                path = tmp_path / os.path.basename(m.name)
                path.write_bytes(tar.extractfile(m).read())
                break
    ckpt = random_student_ckpt(NWUCLA_STUDENT, tmp_path / 's.pth')
    out = str(tmp_path / 's.onnx')
    export_onnx_student.main([NWUCLA_STUDENT, ckpt, '--out', out,
                              '--repeats', '1'])
    top = infer.main([out, NWUCLA_STUDENT, str(path), '--topk', '3'])
    printed = capsys.readouterr().out
    label = load_skeleton_sample(str(path))['label']
    assert f'labelled {label} ({class_names(10)[label]})' in printed
    assert all(name in class_names(10) for _, name, _ in top)


def test_class_names(tmp_path):
    assert len(NTU120_CLASSES) == len(set(NTU120_CLASSES)) == 120
    assert NTU60_CLASSES[57] == 'handshaking'
    assert NTU120_CLASSES[119].startswith('finger-guessing')
    assert class_names(60) == list(NTU60_CLASSES)
    assert class_names(10)[0] == 'pick up with one hand'
    assert class_names(7) == [f'class {i}' for i in range(7)]
    names = tmp_path / 'names.txt'
    names.write_text('a\nb\n\nc\n')
    assert class_names(3, str(names)) == ['a', 'b', 'c']
    with pytest.raises(ValueError, match='3 names for a model with 4'):
        class_names(4, str(names))
    with pytest.raises(FileNotFoundError, match='nope'):
        class_names(4, 'nope')


@pytest.mark.skipif(not (SHARED_DATA / 'ntu_meta').is_dir(),
                    reason='../shared/data/ntu_meta is absent')
def test_ntu_class_names_match_mmaction2_label_maps():
    for names, f in ((NTU60_CLASSES, 'label_map_ntu60.txt'),
                     (NTU120_CLASSES, 'label_map_ntu120.txt')):
        text = (SHARED_DATA / 'ntu_meta' / f).read_text(encoding='utf-8')
        assert list(names) == [ln.strip() for ln in text.splitlines()
                               if ln.strip()]
