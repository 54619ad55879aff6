"""PKU-MMD skeletons + labels -> mmaction2 pickle (converters.pkummd).

No PKU-MMD file ships with the repository: :func:`make_pkummd` writes a
small release in the published layout into ``tmp_path``.
"""
import importlib.util
import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import NTU_GCN_PIPELINE

from kdmvnet_mm.datasets.converters import (convert_pkummd,
                                            format_pkummd_summary,
                                            parse_pkummd_split)
from kdmvnet_mm.datasets.recording_keys import parse_pkummd
from kdmvnet_mm.datasets.validation import AnnotationError

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ('L', 'M', 'R')
#: Frames per view (the three Kinects' files differ slightly in length).
LENGTHS = dict(L=60, M=61, R=59)
#: Per-view jitter of the middle interval's bounds.
JITTER = dict(L=0, M=1, R=-1)


def _intervals(view, a, b):
    """(label, start, end) 1-based inclusive: label ``a`` twice, ``b`` once;
    the first starts on frame 1, the last ends on the view's last frame."""
    j = JITTER[view]
    return [(a, 1, 15 + j), (b, 18 + j, 35 - j), (a, 38, LENGTHS[view])]


def _skeleton(view, second_body, seed):
    """[T, 150]: body 1 random with joint 24's x = frame number (1-based);
    body 2 zero except on the frames in ``second_body``."""
    rng = np.random.default_rng(seed)
    T = LENGTHS[view]
    x = np.zeros((T, 2, 25, 3))
    x[:, 0] = rng.normal(size=(T, 25, 3))
    x[:, 0, 24, 0] = np.arange(1, T + 1)
    for t in second_body:
        x[t - 1, 1] = rng.normal(size=(25, 3))
    return x.reshape(T, 150)


def _split_text(train, val):
    return ('Training videos: \n' + ', '.join(train) + '\n'
            'Validataion videos: \n' + ', '.join(val) + '\n')


def make_pkummd(root: Path, phase=1):
    """A PKU-MMD release in the published layout; returns paths and what
    the converter should produce."""
    if phase == 1:
        seqs = ['0002', '0003', '0004', '0005']
        labels = {'0002': (1, 51), '0003': (7, 3), '0004': (12, 20),
                  '0005': (33, 2)}
    else:
        seqs = ['A01N01', 'A01N02', 'A02N01']
        labels = {'A01N01': (1, 41), 'A01N02': (5, 9), 'A02N01': (40, 2)}
    skel = root / 'Data' / 'skeleton'
    lab = root / 'Label' / 'Train_Label_PKU_final'
    split = root / 'Split'
    for d in (skel, lab, split):
        d.mkdir(parents=True)
    expect = {}  # video -> [(label, start, end)] sorted by start
    for i, seq in enumerate(seqs):
        for view in VIEWS:
            video = f'{seq}-{view}'
            # Sequence 2 has a second body on frames 20..30 only.
            second = range(20, 31) if i == 1 else ()
            x = _skeleton(view, second, seed=10 * i + VIEWS.index(view))
            text = '\n'.join(' '.join(f'{v:.5f}' for v in row)
                             for row in x) + '\n'
            if view == 'M':  # Windows line ends in some files
                text = text.replace('\n', '\r\n')
            (skel / f'{video}.txt').write_text(text)
            ivs = _intervals(view, *labels[seq])
            lines = [f'{a},{s},{e},{1 + (k % 2)}'
                     for k, (a, s, e) in enumerate(ivs)]
            if view == 'R':  # file order need not be time order
                lines = lines[::-1]
            (lab / f'{video}.txt').write_text('\n'.join(lines) + '\n\n')
            expect[video] = ivs
    names = [f'{s}-{v}' for s in seqs for v in VIEWS]
    half = (len(seqs) + 1) // 2
    xsub_train = [n for n in names if n[:-2] in seqs[:half]]
    lists = dict(xsub=(xsub_train,
                       [n for n in names if n not in xsub_train]))
    if phase == 1:
        lists['xview'] = ([n for n in names if not n.endswith('-L')],
                          [n for n in names if n.endswith('-L')])
    files = dict(xsub='cross-subject.txt', xview='cross-view.txt')
    for proto, (train, val) in lists.items():
        (split / files[proto]).write_text(_split_text(train, val))
    return dict(skel=skel, lab=lab, split=split, expect=expect,
                lists=lists, seqs=seqs, second_seq=seqs[1])


def _code(seq):
    """Phase II ``A01N02`` -> ``0102``; Phase I names stay."""
    return seq if seq.isdigit() else seq[1:3] + seq[4:6]


def _convert(fx, out, **kw):
    return convert_pkummd(fx['skel'], fx['lab'], fx['split'], out, **kw)


@pytest.fixture(scope='module')
def p1(tmp_path_factory):
    root = tmp_path_factory.mktemp('pkummd')
    fx = make_pkummd(root / 'PKUMMD')
    out = root / 'out' / 'pkummd_p1.pkl'
    summary = _convert(fx, out)
    with open(out, 'rb') as f:
        return fx, out, summary, pickle.load(f)


def test_clips_shapes_and_labels(p1):
    fx, _, summary, data = p1
    annos = data['annotations']
    assert len(annos) == 4 * 3 * 3 == summary['num_annotations']
    assert summary['num_recordings'] == 12 and summary['num_videos'] == 12
    assert summary['skipped'] == [] and summary['unsplit'] == []
    names = [a['frame_dir'] for a in annos]
    assert names == sorted(names) and len(set(names)) == 36
    by_name = {a['frame_dir']: a for a in annos}
    for video, ivs in fx['expect'].items():
        for k, (label, start, end) in enumerate(ivs, 1):
            a = by_name[f'{video}_{k:02d}']
            assert set(a) == {'frame_dir', 'label', 'keypoint',
                              'total_frames'}
            assert type(a['label']) is int and a['label'] == label - 1
            kp = a['keypoint']
            T = end - start + 1
            assert kp.dtype == np.float32 and a['total_frames'] == T
            # Two bodies only where the second one shows up (frames 20-30).
            M = 2 if video.startswith(fx['second_seq']) and k == 2 else 1
            assert kp.shape == (M, T, 25, 3), (a['frame_dir'], kp.shape)
            # Each view is cut with its own 1-based inclusive bounds.
            np.testing.assert_array_equal(kp[0, :, 24, 0],
                                          np.arange(start, end + 1))
    assert sorted({a['label'] for a in annos}) == sorted(
        {lb - 1 for ivs in fx['expect'].values() for lb, _, _ in ivs})
    assert summary['two_person'] == 3
    assert 'PKU-MMD phase 1' in format_pkummd_summary(summary)


def test_splits_follow_the_split_files(p1):
    fx, _, summary, data = p1
    split = data['split']
    assert sorted(split) == ['xsub_train', 'xsub_val', 'xview_train',
                             'xview_val']
    for proto, (train, val) in fx['lists'].items():
        for key, videos in (('train', train), ('val', val)):
            want = {f'{v}_{k:02d}' for v in videos for k in (1, 2, 3)}
            got = split[f'{proto}_{key}']
            assert got == sorted(want)
            assert summary['splits'][f'{proto}_{key}'] == len(want)
    assert not set(split['xsub_train']) & set(split['xsub_val'])
    assert all(n.split('_')[0].endswith('-L') for n in split['xview_val'])
    assert {n[:4] for n in split['xsub_val']} == {'0004', '0005'}


def test_multiview_dataset_groups_the_views(p1):
    from kdmvnet_mm.datasets.multiview_pose_dataset import \
        MultiViewPoseDataset
    out = str(p1[1])
    ds = MultiViewPoseDataset(ann_file=out, pipeline=[], split='xsub_train',
                              key_parser='pkummd', num_joints=25,
                              num_classes=51)
    assert len(ds) == 6 and ds.view_slots == [1, 2, 3]
    recs = [ds.get_data_info(i) for i in range(len(ds))]
    assert sorted(r['recording'] for r in recs) == [
        f'{s}_{k:02d}' for s in ('0002', '0003') for k in (1, 2, 3)]
    for r in recs:
        assert sorted(r['view_annos']) == [1, 2, 3]
        names = [a['frame_dir'] for a in r['view_annos'].values()]
        assert [parse_pkummd(n).recording for n in names] == [
            r['recording']] * 3
        assert {a['label'] for a in r['view_annos'].values()} == {
            r['label']}

    ds = MultiViewPoseDataset(ann_file=out, pipeline=NTU_GCN_PIPELINE,
                              split='xsub_train', key_parser='pkummd',
                              num_joints=25, num_classes=51)
    item = ds[1]
    assert tuple(item['inputs'].shape) == (1, 3, 2, 8, 25, 3)
    assert item['data_samples'].view_mask.tolist() == [True] * 3

    xv = MultiViewPoseDataset(ann_file=out, pipeline=[],
                              split='xview_train', key_parser='pkummd')
    assert len(xv) == 12 and xv.view_slots == [2, 3]
    assert all(sorted(xv.get_data_info(i)['view_annos']) == [2, 3]
               for i in range(len(xv)))


def test_posedataset_loads_and_pipeline_runs(p1):
    from mmaction.datasets import PoseDataset
    out = str(p1[1])
    ds = PoseDataset(ann_file=out, pipeline=[], split='xview_val')
    assert len(ds) == 12
    assert all(ds[i]['frame_dir'].split('_')[0].endswith('-L')
               for i in range(len(ds)))
    ds = PoseDataset(ann_file=out, pipeline=NTU_GCN_PIPELINE,
                     split='xsub_train')
    names = [ds.get_data_info(i)['frame_dir'] for i in range(len(ds))]
    # 2 bodies, then 1; labels 3 and 7 in the file.
    for name, label in (('0003-M_02', 2), ('0003-M_01', 6)):
        item = ds[names.index(name)]
        assert tuple(item['inputs'].shape) == (1, 2, 8, 25, 3)
        assert np.isfinite(item['inputs'].numpy()).all()
        assert int(item['data_samples'].gt_label) == label


# ------------------------------------------------------------ bad inputs
def _edit_line(path: Path, lineno: int, fn):
    lines = path.read_text().splitlines()
    lines[lineno - 1] = fn(lines[lineno - 1])
    path.write_text('\n'.join(lines) + '\n')


def _skel(fx, video):
    return fx['skel'] / f'{video}.txt'


def _lab(fx, video):
    return fx['lab'] / f'{video}.txt'


def _drop_value(fx):
    _edit_line(_skel(fx, '0003-M'), 5, lambda s: s.rsplit(' ', 1)[0])
    return _skel(fx, '0003-M'), 'keypoint'


def _nan(fx):
    _edit_line(_skel(fx, '0004-L'), 9, lambda s: 'nan ' + s.split(' ', 1)[1])
    return _skel(fx, '0004-L'), 'keypoint'


def _not_a_number(fx):
    _edit_line(_skel(fx, '0002-R'), 3, lambda s: 'x1 ' + s.split(' ', 1)[1])
    return _skel(fx, '0002-R'), 'keypoint'


def _label_52(fx):
    _edit_line(_lab(fx, '0004-R'), 2, lambda s: '52' + s[s.index(','):])
    return _lab(fx, '0004-R'), 'label'


def _label_0(fx):
    _edit_line(_lab(fx, '0002-L'), 1, lambda s: '0' + s[s.index(','):])
    return _lab(fx, '0002-L'), 'label'


def _end_outside(fx):  # 0005-L has 60 frames
    _edit_line(_lab(fx, '0005-L'), 3, lambda s: '33,38,61,1')
    return _lab(fx, '0005-L'), 'end'


def _start_after_end(fx):
    _edit_line(_lab(fx, '0003-M'), 2, lambda s: '3,36,19,1')
    return _lab(fx, '0003-M'), 'start'


def _three_fields(fx):
    _edit_line(_lab(fx, '0002-M'), 1, lambda s: '1,1,16')
    return _lab(fx, '0002-M'), '<line>'


def _views_disagree(fx):  # R's first interval gets another label
    lab = _lab(fx, '0002-R')  # written in reverse: line 3 is (1, 1, 14)
    _edit_line(lab, 3, lambda s: '9' + s[s.index(','):])
    return lab, 'label'


def _listed_without_files(fx):
    _skel(fx, '0005-L').unlink()
    return fx['split'] / 'cross-subject.txt', 'val videos'


def _in_both_lists(fx):
    sp = fx['split'] / 'cross-view.txt'
    sp.write_text(sp.read_text().replace('\n0002-L,', '\n0002-M, 0002-L,'))
    return sp, 'Validataion videos'


def _bad_name_in_list(fx):
    sp = fx['split'] / 'cross-subject.txt'
    sp.write_text(sp.read_text().replace('0002-M', '0002-X'))
    return sp, 'train videos'


BAD_CASES = {f.__name__[1:]: f for f in (
    _drop_value, _nan, _not_a_number, _label_52, _label_0, _end_outside,
    _start_after_end, _three_fields, _views_disagree, _listed_without_files,
    _in_both_lists, _bad_name_in_list)}


@pytest.mark.parametrize('case', sorted(BAD_CASES))
def test_bad_input_raises_and_writes_nothing(tmp_path, case):
    fx = make_pkummd(tmp_path / 'PKUMMD')
    bad, field = BAD_CASES[case](fx)
    out_dir = tmp_path / 'out'
    out_dir.mkdir()
    out = out_dir / 'pkummd.pkl'
    with pytest.raises(AnnotationError) as info:
        _convert(fx, out)
    msg = str(info.value)
    assert bad.name in msg and f'field {field!r}' in msg, msg
    assert Path(info.value.path) == bad and info.value.field == field
    assert list(out_dir.iterdir()) == []  # no output, no stray temp file


def test_failure_keeps_existing_output(tmp_path):
    fx = make_pkummd(tmp_path / 'PKUMMD')
    _label_52(fx)
    out = tmp_path / 'pkummd.pkl'
    out.write_bytes(b'previous')
    with pytest.raises(AnnotationError, match='0004-R'):
        _convert(fx, out)
    assert out.read_bytes() == b'previous'


def test_non_strict_skips_bad_files(tmp_path):
    fx = make_pkummd(tmp_path / 'PKUMMD')
    _drop_value(fx)
    _listed_without_files(fx)
    out = tmp_path / 'pkummd.pkl'
    summary = _convert(fx, out, strict=False)
    assert summary['num_annotations'] == 36 - 6
    assert len(summary['skipped']) == 2
    assert any('0003-M.txt' in m for m in summary['skipped'])
    data = pickle.loads(out.read_bytes())
    assert '0003-M_01' not in data['split']['xsub_train']
    assert '0003-L_01' in data['split']['xsub_train']
    assert not any(n.startswith('0005-L') for n in data['split']['xsub_val'])


def test_first_frame_zero_shifts_the_cut(tmp_path):
    fx = make_pkummd(tmp_path / 'PKUMMD')
    with pytest.raises(AnnotationError) as info:  # last ends on frame T
        _convert(fx, tmp_path / 'o.pkl', first_frame=0)
    assert info.value.field == 'end'
    assert not (tmp_path / 'o.pkl').exists()


def test_split_file_variants():
    text = ('training videos : 0002-L,0002-M\r\n0002-R\r\n\r\n'
            'Validation Videos:\r\n 0003-L , 0003-M,\r\n')
    assert parse_pkummd_split(text, 'x.txt') == dict(
        train=['0002-L', '0002-M', '0002-R'], val=['0003-L', '0003-M'])
    with pytest.raises(AnnotationError) as info:
        parse_pkummd_split('Training videos:\n0002-L\n', 'x.txt')
    assert info.value.field == 'Validation videos'
    with pytest.raises(AnnotationError) as info:
        parse_pkummd_split('0002-L\nTraining videos:\n0002-M\n', 'x.txt')
    assert info.value.field == '<file>'
    with pytest.raises(AnnotationError, match='listed twice'):
        parse_pkummd_split(_split_text(['0002-L', '0002-L'], ['0003-L']),
                           'x.txt')


def test_phase2(tmp_path):
    fx = make_pkummd(tmp_path / 'PKUMMD', phase=2)
    out = tmp_path / 'pkummd_p2.pkl'
    summary = _convert(fx, out, phase=2)
    data = pickle.loads(out.read_bytes())
    assert sorted(data['split']) == ['xsub_train', 'xsub_val']
    assert summary['num_annotations'] == 3 * 3 * 3
    by_name = {a['frame_dir']: a for a in data['annotations']}
    for video, ivs in fx['expect'].items():
        seq, view = video.split('-')
        for k, (label, start, end) in enumerate(ivs, 1):
            a = by_name[f'{_code(seq)}-{view}_{k:02d}']
            assert a['label'] == label - 1 < 41
            assert a['total_frames'] == end - start + 1
    train, val = fx['lists']['xsub']
    assert data['split']['xsub_val'] == sorted(
        f'{_code(v[:-2])}-{v[-1]}_{k:02d}' for v in val for k in (1, 2, 3))
    assert {n[:4] for n in data['split']['xsub_train']} == {'0101', '0102'}

    from kdmvnet_mm.datasets.multiview_pose_dataset import \
        MultiViewPoseDataset
    ds = MultiViewPoseDataset(ann_file=str(out), pipeline=[],
                              split='xsub_val', key_parser='pkummd',
                              num_classes=41)
    assert len(ds) == 3
    assert all(len(ds.get_data_info(i)['view_annos']) == 3
               for i in range(3))

    # Label 42 is past Phase II's 41 classes (fine in Phase I).
    _edit_line(_lab(fx, 'A01N02-M'), 1, lambda s: '42' + s[s.index(','):])
    with pytest.raises(AnnotationError) as info:
        _convert(fx, tmp_path / 'bad.pkl', phase=2)
    assert info.value.field == 'label' and 'A01N02-M' in str(info.value)
    assert not (tmp_path / 'bad.pkl').exists()


def _load_tool():
    path = ROOT / 'tools' / 'data' / 'pkummd_to_pkl.py'
    spec = importlib.util.spec_from_file_location('pkummd_to_pkl', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_command_line(tmp_path, capsys):
    tool = _load_tool()
    fx = make_pkummd(tmp_path / 'PKUMMD')
    out = tmp_path / 'data' / 'pkummd_p1.pkl'
    args = ['--skeletons', str(fx['skel']), '--labels', str(fx['lab']),
            '--splits', str(fx['split']), '--out', str(out)]
    assert tool.main(args) == 0 and out.is_file()
    assert '36 clips' in capsys.readouterr().out
    _nan(fx)
    out2 = tmp_path / 'data' / 'again.pkl'
    assert tool.main(args[:-1] + [str(out2)]) == 1
    assert '0004-L.txt' in capsys.readouterr().err
    assert not out2.exists()
