"""N-UCLA JSON -> mmaction2 skeleton pickle (kdmvnet_mm.datasets.converters)."""
import io
import json
import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest

from kdmvnet_mm.datasets.converters import convert_nwucla
from kdmvnet_mm.datasets.validation import AnnotationError

ARCHIVE = (Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' /
           'nwucla' / 'all_sqe.tar.xz')


def _skeletons(T=4, V=20, seed=0):
    rng = np.random.default_rng(seed)
    return np.round(rng.standard_normal((T, V, 3)), 5).tolist()


def _write(d: Path, name, skeletons=None, label=1, text=None):
    """One CTR-GCN-style JSON file; ``text`` replaces the whole content."""
    if text is None:
        text = json.dumps(
            dict(file_name=name,
                 skeletons=_skeletons() if skeletons is None else skeletons,
                 label=label))
    path = d / f'{name}.json'
    path.write_text(text)
    return path


@pytest.fixture(scope='module')
def real(tmp_path_factory):
    if not ARCHIVE.is_file():
        pytest.skip(f'real N-UCLA archive not found at {ARCHIVE} '
                    '(../shared/data is absent in a fresh clone)')
    out = tmp_path_factory.mktemp('nwucla') / 'nwucla.pkl'
    summary = convert_nwucla(ARCHIVE, out)
    with open(out, 'rb') as f:
        return out, summary, pickle.load(f)


def test_real_counts_and_splits(real):
    _, summary, data = real
    annos, split = data['annotations'], data['split']
    assert len(annos) == 1484 == summary['num_annotations']
    assert {k: len(v) for k, v in split.items()} == dict(
        xview_train=1020, xview_val=464, v01=516, v02=504, v03=464)
    assert summary['splits']['xview_train'] == 1020
    assert set(split['xview_train']) == set(split['v01']) | set(split['v02'])
    assert all(n.endswith('_v03') for n in split['xview_val'])
    names = [a['frame_dir'] for a in annos]
    assert names == sorted(names) and len(set(names)) == 1484
    assert all(v == sorted(v) for v in split.values())


def test_real_entries(real):
    annos = real[2]['annotations']
    assert sorted({a['label'] for a in annos}) == list(range(10))
    assert all(type(a['label']) is int for a in annos)
    Ts = []
    for a in annos:
        kp = a['keypoint']
        assert kp.dtype == np.float32 and kp.ndim == 4
        assert kp.shape[0] == 1 and kp.shape[2:] == (20, 3)
        assert a['total_frames'] == kp.shape[1]
        Ts.append(kp.shape[1])
        # Same fields as mmaction2's 3D NTU pickles, nothing 2D.
        assert set(a) == {'frame_dir', 'label', 'keypoint', 'total_frames'}
    assert min(Ts) == 1 and max(Ts) == 201
    # Action id in the name maps to the compact label.
    amap = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8, 12: 9}
    assert all(amap[int(a['frame_dir'][1:3])] == a['label'] for a in annos)


def test_real_loads_in_posedataset(real):
    from mmaction.datasets import PoseDataset
    ds = PoseDataset(ann_file=str(real[0]), pipeline=[], split='xview_val')
    assert len(ds) == 464
    item = ds[0]
    assert item['keypoint'].shape[2:] == (20, 3)


def test_directory_source_and_single_frame(tmp_path):
    src = tmp_path / 'all_sqe' / 'nested'
    src.mkdir(parents=True)
    _write(src, 'a01_s01_e00_v01', label=1)
    _write(src, 'a01_s01_e00_v02', label=1, skeletons=_skeletons(T=1))
    _write(src, 'a12_s02_e01_v03', label=10)
    out = tmp_path / 'out' / 'x.pkl'
    summary = convert_nwucla(tmp_path / 'all_sqe', out)
    data = pickle.loads(out.read_bytes())
    assert summary['num_annotations'] == 3 and summary['num_recordings'] == 2
    assert data['split']['xview_train'] == [
        'a01_s01_e00_v01', 'a01_s01_e00_v02']
    assert data['split']['xview_val'] == ['a12_s02_e01_v03']
    labels = {a['frame_dir']: a['label'] for a in data['annotations']}
    assert labels == {'a01_s01_e00_v01': 0, 'a01_s01_e00_v02': 0,
                      'a12_s02_e01_v03': 9}
    assert data['annotations'][1]['keypoint'].shape == (1, 1, 20, 3)
    np.testing.assert_allclose(data['annotations'][0]['keypoint'][0],
                               _skeletons(), rtol=1e-6)


def _tar_xz(path: Path, files):
    with tarfile.open(path, 'w:xz') as tar:
        for name, text in files.items():
            raw = text.encode()
            info = tarfile.TarInfo(f'all_sqe/{name}.json')
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def test_archive_source_and_truncated_archive(tmp_path):
    good = {n: json.dumps(dict(file_name=n, skeletons=_skeletons(), label=2))
            for n in ('a02_s01_e00_v03', 'a02_s01_e00_v01')}
    arc = tmp_path / 'small.tar.xz'
    _tar_xz(arc, good)
    out = tmp_path / 'o.pkl'
    assert convert_nwucla(arc, out)['splits']['xview_val'] == 1
    cut = tmp_path / 'cut.tar.xz'
    cut.write_bytes(arc.read_bytes()[:len(arc.read_bytes()) // 2])
    out2 = tmp_path / 'o2.pkl'
    with pytest.raises(AnnotationError, match='cut.tar.xz'):
        convert_nwucla(cut, out2)
    assert not out2.exists()


GOOD = 'a01_s01_e00_v01'
BAD_CASES = {
    'corrupt': ('a02_s01_e00_v01', dict(text='{"file_name": ][ "label": 2}'),
                '<file>'),
    'truncated': ('a02_s01_e00_v01',
                  dict(text=json.dumps(dict(file_name='a02_s01_e00_v01',
                                            skeletons=_skeletons(),
                                            label=2))[:150]), '<file>'),
    'nan': ('a02_s01_e00_v01',
            dict(skeletons=[[[float('nan'), 0., 0.]] + [[0., 0., 0.]] * 19],
                 label=2), 'keypoint'),
    'zero_frames': ('a02_s01_e00_v01', dict(skeletons=[], label=2),
                    'skeletons'),
    'joints_19': ('a02_s01_e00_v01', dict(skeletons=_skeletons(V=19), label=2),
                  'skeletons'),
    'label_11': ('a02_s01_e00_v01', dict(label=11), 'label'),
    'bad_name': ('a02_s01_v01', dict(label=2), '<file name>'),
    'label_mismatch': ('a02_s01_e00_v01', dict(label=3), 'label'),
}


@pytest.mark.parametrize('case', sorted(BAD_CASES))
def test_bad_input_raises_and_writes_nothing(tmp_path, case):
    name, kwargs, field = BAD_CASES[case]
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, GOOD)
    bad = _write(src, name, **kwargs)
    out_dir = tmp_path / 'out'
    out_dir.mkdir()
    out = out_dir / 'nwucla.pkl'
    with pytest.raises(AnnotationError) as info:
        convert_nwucla(src, out)
    msg = str(info.value)
    assert bad.name in msg and f"field {field!r}" in msg, msg
    assert info.value.field == field
    assert not out.exists()
    assert list(out_dir.iterdir()) == []  # no stray temp file


def test_failure_keeps_existing_output(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, GOOD, label=5)  # a01 is label 1
    out = tmp_path / 'nwucla.pkl'
    out.write_bytes(b'previous')
    with pytest.raises(AnnotationError, match=GOOD):
        convert_nwucla(src, out)
    assert out.read_bytes() == b'previous'


def test_non_strict_skips_bad_files(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    _write(src, GOOD)
    _write(src, 'a02_s01_e00_v01', label=11)
    out = tmp_path / 'nwucla.pkl'
    summary = convert_nwucla(src, out, strict=False)
    assert summary['num_annotations'] == 1
    assert len(summary['skipped']) == 1
    assert 'a02_s01_e00_v01.json' in summary['skipped'][0]


def test_empty_or_missing_source(tmp_path):
    with pytest.raises(AnnotationError, match='no usable'):
        convert_nwucla(tmp_path, tmp_path / 'o.pkl')
    with pytest.raises(FileNotFoundError):
        convert_nwucla(tmp_path / 'missing', tmp_path / 'o.pkl')
    assert not (tmp_path / 'o.pkl').exists()
