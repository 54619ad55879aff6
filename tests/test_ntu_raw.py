"""Raw NTU RGB+D .skeleton -> mmaction2 pickle (converters.ntu_raw)."""
import importlib.util
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import NTU_GCN_PIPELINE

from kdmvnet_mm.datasets.converters import (build_ntu_splits,
                                            convert_ntu_raw,
                                            format_ntu_summary,
                                            load_missing_list,
                                            ntu_2d_annotation,
                                            parse_ntu_skeleton)
from kdmvnet_mm.datasets.recording_keys import KeyParseError
from kdmvnet_mm.datasets.validation import AnnotationError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / '..' / 'shared' / 'data'
RAW = DATA / 'ntu_raw'
META = DATA / 'ntu_meta'
MISSING60 = META / 'NTU_RGBD_samples_with_missing_skeletons.txt'
MISSING120 = META / 'NTU_RGBD120_samples_with_missing_skeletons.txt'
A001 = 'S001C001P001R001A001'
A058 = 'S001C003P008R002A058'

needs_real = pytest.mark.skipif(
    not RAW.is_dir() or not META.is_dir(),
    reason=f'real NTU files not found at {RAW} and {META} '
    '(../shared/data is absent in a fresh clone)')


def _real(name):
    return RAW / f'{name}.skeleton'


# ------------------------------------------------------- synthetic text
def _body_lines(body_id, xyz, state=2, n_joints=25):
    lines = [f'{body_id} 0 1 1 1 1 0 0.01 0.02 2', str(n_joints)]
    for j in range(n_joints):
        x, y, z = xyz[j % len(xyz)]
        lines.append(f'{x:.6f} {y:.6f} {z:.6f} 250.5 180.25 '
                     f'{900 + j} {500 + j} 0 0 0 0 {state}')
    return lines


def _text(frames, eol='\n', n_frames=None, n_joints=25):
    """``frames``: per frame a list of (bodyID, xyz [25, 3], state)."""
    lines = [str(len(frames) if n_frames is None else n_frames)]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for bid, xyz, state in bodies:
            lines += _body_lines(bid, xyz, state, n_joints)
    return eol.join(lines) + eol


def _pose(value, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (25, 3)) * 0.1 + value


def _one_body(T=3, bid='72057594037931101', seed=0):
    return [[(bid, _pose(0.1 * t, seed), 2)] for t in range(T)]


def _write(d: Path, name, text):
    p = d / f'{name}.skeleton'
    p.write_text(text, newline='')
    return p


# ------------------------------------------------------------ real data
@pytest.fixture(scope='module')
def real(tmp_path_factory):
    if not RAW.is_dir() or not META.is_dir():
        pytest.skip(f'real NTU files not found at {RAW} and {META} '
                    '(../shared/data is absent in a fresh clone)')
    src = tmp_path_factory.mktemp('ntu_src') / 'nturgb+d_skeletons'
    src.mkdir()
    for p in sorted(RAW.glob('*.skeleton')):
        if not p.stem.endswith('_crlf'):
            os.symlink(p.resolve(), src / p.name)
    out = tmp_path_factory.mktemp('ntu_out') / 'ntu60_3d_raw.pkl'
    summary = convert_ntu_raw(src, out, missing=MISSING60)
    with open(out, 'rb') as f:
        return src, out, summary, pickle.load(f)


def test_real_matches_authors_reference(real):
    ref = np.load(RAW / f'{A001}.skeleton.npy', allow_pickle=True).item()
    ref = ref['skel_body0']
    assert ref.shape == (103, 25, 3)
    res = parse_ntu_skeleton(_real(A001).read_bytes(), _real(A001))
    assert res['keypoint'].shape == (1, 103, 25, 3)
    assert res['keypoint'].dtype == np.float32
    np.testing.assert_allclose(res['keypoint'][0], ref, rtol=0, atol=1e-6)
    # In the pickle too.
    anno = {a['frame_dir']: a for a in real[3]['annotations']}[A001]
    np.testing.assert_allclose(anno['keypoint'][0], ref, rtol=0, atol=1e-6)
    assert anno['label'] == 0 and anno['total_frames'] == 103


@needs_real
def test_crlf_and_lf_identical():
    crlf = (RAW / f'{A001}_crlf.skeleton').read_bytes()
    assert b'\r\n' in crlf and b'\r\n' not in _real(A001).read_bytes()
    a = parse_ntu_skeleton(_real(A001).read_bytes(), 'lf')
    b = parse_ntu_skeleton(crlf, 'crlf')
    for k in ('keypoint', 'keypoint_color', 'tracking_score'):
        np.testing.assert_array_equal(a[k], b[k])
    # str input parses the same
    c = parse_ntu_skeleton(crlf.decode(), 'crlf')
    np.testing.assert_array_equal(a['keypoint'], c['keypoint'])


def test_real_two_person_and_2d_fields(real):
    annos = {a['frame_dir']: a for a in real[3]['annotations']}
    a = annos[A058]
    assert a['keypoint'].shape == (2, 70, 25, 3)
    assert (np.abs(a['keypoint']).sum((1, 2, 3)) > 0).all()
    assert (a['keypoint'][:, :, :, 2] > 1).all()  # depth, every frame
    assert a['keypoint_color'].shape == (2, 70, 25, 2)
    assert a['keypoint_color'].dtype == np.float32
    assert a['tracking_score'].shape == (2, 70, 25)
    assert set(np.unique(a['tracking_score'])) <= {0.0, 0.5, 1.0}
    assert a['img_shape'] == a['original_shape'] == (1080, 1920)
    assert 'keypoint_score' not in a  # would break mmaction2's 3D path
    assert a['label'] == 57
    # Colour pixels lie in the 1920x1080 frame.
    c = annos[A001]['keypoint_color']
    assert 0 < c[..., 0].min() and c[..., 0].max() < 1920
    assert 0 < c[..., 1].min() and c[..., 1].max() < 1080
    assert annos[A001]['tracking_score'].mean() > 0.8
    two = ntu_2d_annotation(a)
    assert two['keypoint'].shape == (2, 70, 25, 2)
    assert two['keypoint_score'].shape == (2, 70, 25)
    assert 'tracking_score' not in two and 'keypoint_color' not in two
    assert {k: v.shape[0] for k, v in
            ((n, x['keypoint']) for n, x in annos.items())
            if v.shape[0] != 1} == {A058: 2}


def test_real_summary_and_splits(real):
    _, _, summary, data = real
    split = data['split']
    assert set(split) == {'xsub_train', 'xsub_val', 'xview_train',
                          'xview_val'}
    assert summary['converted'] == 10 and summary['skipped_missing'] == 0
    assert summary['skipped_bad'] == []
    assert summary['splits'] == {k: len(v) for k, v in split.items()}
    assert A001 in split['xsub_train'] and A001 in split['xview_val']
    c2 = 'S004C002P003R001A017'
    assert c2 in split['xview_train'] and c2 in split['xsub_val']
    assert A058 in split['xsub_train'] and A058 in split['xview_train']
    assert split['xview_train'] == sorted([c2, A058])
    assert len(split['xsub_train']) + len(split['xsub_val']) == 10
    assert 'took' not in format_ntu_summary(summary)


@needs_real
def test_splits_ntu120():
    names = sorted(p.name[:-9] for p in RAW.glob('S???C???P???R???A???.'
                                                   'skeleton'))
    s = build_ntu_splits(names, ntu120=True)
    assert set(s) == {'xsub_train', 'xsub_val', 'xset_train', 'xset_val'}
    assert s['xset_train'] == ['S002C001P003R001A003',
                               'S004C002P003R001A017']
    assert A001 in s['xset_val'] and A001 in s['xsub_train']
    assert 'S003C001P015R001A034' in s['xset_val']
    s120 = build_ntu_splits(['S018C001P045R001A061',
                             'S018C001P044R001A061'], ntu120=True)
    assert s120['xsub_train'] == ['S018C001P045R001A061']
    assert s120['xset_train'] == sorted(['S018C001P045R001A061',
                                         'S018C001P044R001A061'])
    with pytest.raises(KeyParseError, match='A061'):
        build_ntu_splits(['S001C001P001R001A061'], ntu120=False)
    with pytest.raises(KeyParseError, match='S018'):
        build_ntu_splits(['S018C001P001R001A001'], ntu120=False)


@needs_real
def test_missing_lists():
    m60, m120 = load_missing_list(MISSING60), load_missing_list(MISSING120)
    assert len(m60) == 302 and len(m120) == 535
    assert m60[0] == 'S001C002P005R002A008' and set(m60) <= set(m120)
    assert 'S032C003P067R002A077' in m120


def test_missing_list_formats(tmp_path):
    p = tmp_path / 'l.txt'
    p.write_bytes(b'2 of the captured samples are bad.\r\n'
                  b'Ignore them.\r\n\r\n'
                  b'S001C002P005R002A008\r\nS001C002P006R001A008.skeleton\r\n'
                  b'\r\n')
    assert load_missing_list(p) == ['S001C002P005R002A008',
                                    'S001C002P006R001A008']
    p.write_text('3 of the captured samples\nS001C002P005R002A008\n')
    with pytest.raises(AnnotationError, match='says 3'):
        load_missing_list(p)
    p.write_text('S001C002P005R002A008\nS001C002P05R002A008\n')
    with pytest.raises(AnnotationError, match='line 2'):
        load_missing_list(p)


@needs_real
def test_sample_on_missing_list_is_skipped(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    listed = 'S001C002P005R002A008'
    assert listed in load_missing_list(MISSING60)
    shutil.copy(_real(A001), src / f'{listed}.skeleton')
    shutil.copy(_real('S001C001P001R001A002'), src)
    out = tmp_path / 'o.pkl'
    summary = convert_ntu_raw(src, out, missing=str(MISSING60))
    assert summary['skipped_missing'] == 1 and summary['converted'] == 1
    names = [a['frame_dir'] for a in pickle.loads(out.read_bytes())[
        'annotations']]
    assert names == ['S001C001P001R001A002']
    assert 'missing-skeleton list): 1' in format_ntu_summary(summary)


def test_real_loads_in_posedataset(real):
    from mmaction.datasets import PoseDataset
    ds = PoseDataset(ann_file=str(real[1]), pipeline=[], split='xsub_train')
    assert len(ds) == 8
    item = ds[0]
    assert item['keypoint'].shape[2:] == (25, 3)


def test_real_through_multiview_dataset(real):
    from kdmvnet_mm.datasets import MultiViewPoseDataset
    ds = MultiViewPoseDataset(ann_file=str(real[1]),
                              pipeline=NTU_GCN_PIPELINE,
                              split='xsub_train', num_joints=25,
                              num_classes=60)
    assert len(ds) == 8 and ds.view_slots == [1, 3]
    for i in range(len(ds)):
        out = ds[i]
        assert tuple(out['inputs'].shape) == (1, 2, 2, 8, 25, 3)
        assert out['inputs'].abs().sum() > 0
    # mmaction2's own dataset with the same pipeline
    from mmaction.datasets import PoseDataset
    pd = PoseDataset(ann_file=str(real[1]), pipeline=NTU_GCN_PIPELINE,
                     split='xview_train')
    assert tuple(pd[0]['inputs'].shape) == (1, 2, 8, 25, 3)


# ----------------------------------------------- synthetic: selection
def test_empty_frame_and_three_bodies_keep_two_by_motion(tmp_path):
    T = 4
    static = [('11', _pose(0.0, 1), 2) for _ in range(T - 1)]
    big = [('22', _pose(0.5 * t, 2), 2) for t in range(T - 1)]
    small = [('33', _pose(0.05 * t, 3), 1) for t in range(T - 1)]
    frames = [[]] + [[static[t], small[t], big[t]] for t in range(T - 1)]
    res = parse_ntu_skeleton(_text(frames), 'syn')
    assert res['body_ids'] == [['22'], ['33']]  # static '11' dropped
    kp = res['keypoint']
    assert kp.shape == (2, T, 25, 3) and res['total_frames'] == T
    assert not kp[:, 0].any()  # frame of 0 bodies stays zero
    np.testing.assert_allclose(kp[0, 1:], np.stack([b[1] for b in big]),
                               atol=1e-6)
    np.testing.assert_allclose(kp[1, 1:], np.stack([b[1] for b in small]),
                               atol=1e-6)
    sc = res['tracking_score']
    assert not sc[:, 0].any()
    assert (sc[0, 1:] == 1.0).all() and (sc[1, 1:] == 0.5).all()
    assert res['keypoint_color'][0, 1, 3].tolist() == [903.0, 503.0]


def test_new_body_id_continues_same_actor():
    # A re-acquired person gets a new bodyID: one actor, not two.
    frames = [[('1', _pose(0.1 * t), 2)] for t in range(3)] + \
             [[('2', _pose(0.3 + 0.1 * t), 2)] for t in range(3)]
    res = parse_ntu_skeleton(_text(frames, eol='\r\n'), 'syn')
    assert res['keypoint'].shape == (1, 6, 25, 3)
    assert sorted(res['body_ids'][0]) == ['1', '2']
    assert (np.abs(res['keypoint'][0]).sum((1, 2)) > 0).all()


def test_ntu60_skips_ntu120_samples(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, 'S001C001P001R001A001', _text(_one_body()))
    _write(src, 'S018C002P045R001A061', _text(_one_body()))
    s60 = convert_ntu_raw(src, tmp_path / '60.pkl', with_2d=False)
    assert s60['converted'] == 1 and s60['skipped_not_ntu60'] == 1
    a = pickle.loads((tmp_path / '60.pkl').read_bytes())['annotations']
    assert set(a[0]) == {'frame_dir', 'label', 'keypoint', 'total_frames'}
    s120 = convert_ntu_raw(src, tmp_path / '120.pkl', ntu120=True)
    assert s120['converted'] == 2 and s120['splits'] == dict(
        xsub_train=2, xsub_val=0, xset_train=1, xset_val=1)
    labels = [a['label'] for a in pickle.loads(
        (tmp_path / '120.pkl').read_bytes())['annotations']]
    assert labels == [0, 60]


# ------------------------------------------------------ bad input
GOOD = 'S001C001P001R001A001'
BAD = 'S001C001P002R001A002'
_OK = _text(_one_body())
_LINES = _OK.split('\n')
BAD_CASES = {
    'empty': ('', '<file>'),
    'zero_frames': ('0\n', 'numFrame'),
    'truncated': ('\n'.join(_LINES[:40]) + '\n', 'jointInfo'),
    'truncated_mid_line': (_OK[:len(_OK) // 2], 'jointInfo'),
    'truncated_frames': (_text(_one_body(), n_frames=4), 'numBody'),
    'extra_frames': (_text(_one_body(), n_frames=2), 'numFrame'),
    'non_numeric': (_OK.replace('250.5', 'abc', 1), 'jointInfo'),
    'non_numeric_count': ('three\n', 'numFrame'),
    'joints_24': (_text(_one_body(), n_joints=24), 'numJoint'),
    'nan': (_OK.replace('250.5', 'nan', 1), 'jointInfo'),
    'bad_state': (_OK.replace('0 0 0 0 2\n', '0 0 0 0 3\n', 1),
                  'trackingState'),
    'no_body': (_text([[], []]), 'numBody'),
    'body_info': (_OK.replace(' 0.02 2\n', ' 0.02\n', 1), 'bodyInfo'),
}


@pytest.mark.parametrize('case', sorted(BAD_CASES))
def test_bad_input_raises_and_writes_nothing(tmp_path, case):
    text, field = BAD_CASES[case]
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, GOOD, _OK)
    bad = _write(src, BAD, text)
    out_dir = tmp_path / 'out'
    out_dir.mkdir()
    out = out_dir / 'ntu.pkl'
    with pytest.raises(AnnotationError) as info:
        convert_ntu_raw(src, out)
    msg = str(info.value)
    assert bad.name in msg and f'field {field!r}' in msg, msg
    assert info.value.field == field
    assert list(out_dir.iterdir()) == []  # no output, no stray temp file
    # Non-strict: skipped and listed, the good file converted.
    summary = convert_ntu_raw(src, out, strict=False)
    assert summary['converted'] == 1 and len(summary['skipped_bad']) == 1
    assert bad.name in summary['skipped_bad'][0]


@needs_real
def test_real_file_cut_raises_naming_file(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    raw = _real(A058).read_bytes()
    (src / f'{A058}.skeleton').write_bytes(raw[:len(raw) * 2 // 3])
    out = tmp_path / 'o.pkl'
    out.write_bytes(b'previous')
    with pytest.raises(AnnotationError, match=A058):
        convert_ntu_raw(src, out)
    assert out.read_bytes() == b'previous'


def test_bad_names_and_sources(tmp_path):
    src = tmp_path / 'src'
    (src / 'deep').mkdir(parents=True)
    _write(src, GOOD, _OK)
    _write(src / 'deep', GOOD, _OK)
    with pytest.raises(AnnotationError, match='duplicate'):
        convert_ntu_raw(src, tmp_path / 'o.pkl')
    shutil.rmtree(src / 'deep')
    _write(src, 'S001C004P001R001A001', _OK)
    with pytest.raises(AnnotationError, match='camera C004'):
        convert_ntu_raw(src, tmp_path / 'o.pkl')
    with pytest.raises(FileNotFoundError):
        convert_ntu_raw(tmp_path / 'nope', tmp_path / 'o.pkl')
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(AnnotationError, match='no usable'):
        convert_ntu_raw(empty, tmp_path / 'o.pkl')
    assert not (tmp_path / 'o.pkl').exists()


def test_command_line_tool(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        'ntu_raw_to_pkl', ROOT / 'tools' / 'data' / 'ntu_raw_to_pkl.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, GOOD, _OK)
    out = tmp_path / 'ntu.pkl'
    assert tool.main(['--src', str(src), '--out', str(out)]) == 0
    assert 'xview_val 1' in capsys.readouterr().out
    _write(src, BAD, _text(_one_body(), n_joints=24))
    out.unlink()
    assert tool.main(['--src', str(src), '--out', str(out)]) == 1
    assert 'numJoint' in capsys.readouterr().err and not out.exists()
    assert tool.main(['--src', str(src), '--out', str(out),
                      '--skip-bad']) == 0
    assert out.exists()


def test_real_2d_points_run_posec3d_heatmap_pipeline(real):
    """NTU's own colour-pixel points feed mmaction2's PoseC3D pipeline."""
    from mmengine.dataset import Compose
    annos = {a['frame_dir']: a for a in real[3]['annotations']}
    sample = dict(ntu_2d_annotation(annos[A058]), start_index=0,
                  modality='Pose')
    pipeline = Compose([
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
        dict(type='Resize', scale=(-1, 64)),
        dict(type='CenterCrop', crop_size=64),
        dict(type='GeneratePoseTarget', with_kp=True, with_limb=False),
        dict(type='FormatShape', input_format='NCTHW_Heatmap'),
        dict(type='PackActionInputs')
    ])
    out = pipeline(sample)
    heat = out['inputs']
    assert heat.shape == (1, 25, 8, 64, 64)
    # the joints land inside the crop: the maps are not empty
    assert float(heat.max()) > 0.5 and float(heat.mean()) > 1e-3
