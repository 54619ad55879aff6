"""Multi-stream score fusion: kdmvnet_mm.evaluation.fusion and its CLI."""
import json
import pickle

import numpy as np
import pytest
import torch

from kdmvnet_mm.datasets.validation import AnnotationError
from kdmvnet_mm.evaluation import (fuse_scores, fusion_report,
                                   load_predictions)
from tools.analysis import fuse_scores as fuse_tool

LABELS = [0, 1, 2, 0]
NAMES = ['S001C001P001R001A001', 'S001C001P001R001A002',
         'S001C001P001R001A003', 'S001C001P001R002A001']
# Stream A predicts 0, 1, 0, 1 (50 %); stream B predicts 1, 2, 2, 0 (50 %).
# A + 0.5 * B predicts 0, 1, 2, 0 (100 %); A + 0.1 * B predicts like A.
A = [[3., 0., 0.], [0., 2., 0.], [1., 0., .8], [0., .8, 0.]]
B = [[0., 1., 0.], [0., 0., 1.], [0., 0., 1.], [2., 0., 0.]]


def dump(path, scores, labels=LABELS, names=NAMES, scalar_label=False):
    """A pickle shaped like mmengine's DumpResults output."""
    results = []
    for i, (s, lab) in enumerate(zip(scores, labels)):
        s = torch.tensor(s, dtype=torch.float32)
        gt = torch.tensor(lab) if scalar_label else torch.tensor([lab])
        r = dict(pred_score=s, pred_label=s.argmax().reshape(1),
                 gt_label=gt, num_classes=len(s))
        if names is not None:
            r['frame_dir'] = names[i]
        results.append(r)
    with open(path, 'wb') as f:
        pickle.dump(results, f)
    return str(path)


@pytest.fixture
def streams(tmp_path):
    return (dump(tmp_path / 'j.pkl', A),
            dump(tmp_path / 'b.pkl', B, scalar_label=True))


def test_load_predictions(streams):
    preds = load_predictions(streams[0])
    assert len(preds) == 4
    assert preds[2]['gt_label'] == 2
    assert preds[2]['frame_dir'] == NAMES[2]
    np.testing.assert_allclose(preds[2]['pred_score'], A[2], rtol=1e-6)
    # 0-d labels load the same way
    assert [p['gt_label'] for p in load_predictions(streams[1])] == LABELS


def test_weighted_fusion_differs_from_each_stream(streams):
    pa, pb = map(load_predictions, streams)
    fused, labels, dirs = fuse_scores([pa, pb], [1, 0.5], paths=streams)
    assert fused.shape == (4, 3)
    np.testing.assert_allclose(fused, np.array(A) + 0.5 * np.array(B),
                               rtol=1e-6)
    assert fused.argmax(1).tolist() == [0, 1, 2, 0]
    assert labels.tolist() == LABELS
    assert dirs == NAMES
    assert fusion_report(fused, labels)['top1'] == 100.0
    for p in (pa, pb):
        s, lab, _ = fuse_scores([p], [1])
        assert fusion_report(s, lab)['top1'] == 50.0
    # a different weight changes the result: weights are not ignored
    fused2, _, _ = fuse_scores([pa, pb], [1, 0.1])
    assert fused2.argmax(1).tolist() == [0, 1, 0, 1]
    fused3, _, _ = fuse_scores([pa, pb], [0.1, 1])
    assert fused3.argmax(1).tolist() == [1, 2, 2, 0]


def test_single_stream_reproduces_its_accuracy(streams):
    preds = load_predictions(streams[0])
    scores, labels, _ = fuse_scores([preds], [1.0], paths=streams[:1])
    np.testing.assert_allclose(scores, A, rtol=1e-6)
    rep = fusion_report(scores, labels)
    assert rep['top1'] == 50.0
    assert rep['top5'] == 100.0  # 3 classes
    # per-class recall: class 0 1/2, class 1 1/1, class 2 0/1
    assert rep['mean_class_acc'] == pytest.approx(50.0)


def test_apply_softmax(tmp_path):
    # Raw sums favour class 0; after a softmax per stream, class 2 wins.
    a = dump(tmp_path / 'a.pkl', [[10., 9.9, 0.]], [2], NAMES[:1])
    b = dump(tmp_path / 'b.pkl', [[0., 0., 3.]], [2], NAMES[:1])
    pa, pb = load_predictions(a), load_predictions(b)
    raw, _, _ = fuse_scores([pa, pb], [1, 1])
    soft, labels, _ = fuse_scores([pa, pb], [1, 1], apply_softmax=True)
    assert raw.argmax(1).tolist() == [0]
    assert soft.argmax(1).tolist() == [2]

    def softmax(x):
        e = np.exp(np.asarray(x) - np.max(x))
        return e / e.sum()

    np.testing.assert_allclose(
        soft[0], softmax([10., 9.9, 0.]) + softmax([0., 0., 3.]), rtol=1e-5)
    assert fusion_report(soft, labels)['top1'] == 100.0


def test_mismatched_order_names_file(tmp_path, streams):
    swapped = dump(tmp_path / 'swapped.pkl', B,
                   names=[NAMES[1], NAMES[0]] + NAMES[2:])
    with pytest.raises(AnnotationError, match='swapped.pkl') as e:
        fuse_scores([load_predictions(streams[0]),
                     load_predictions(swapped)], [1, 1],
                    paths=[streams[0], swapped])
    assert e.value.field == 'frame_dir' and e.value.sample == 0
    # without frame_dir the labels are compared
    a = dump(tmp_path / 'a.pkl', A, names=None)
    b = dump(tmp_path / 'b_order.pkl', B, labels=[1, 0, 2, 0], names=None)
    with pytest.raises(AnnotationError, match='b_order.pkl') as e:
        fuse_scores([load_predictions(a), load_predictions(b)], [1, 1],
                    paths=[a, b])
    assert e.value.field == 'gt_label' and e.value.sample == 0


def test_mismatched_length_and_classes_name_file(tmp_path, streams):
    short = dump(tmp_path / 'short.pkl', B[:3])
    with pytest.raises(AnnotationError, match=r'short\.pkl.*3 predictions'):
        fuse_scores([load_predictions(p) for p in (streams[0], short)],
                    [1, 1], paths=[streams[0], short])
    wide = dump(tmp_path / 'wide.pkl', [s + [0.] for s in B])
    with pytest.raises(AnnotationError, match=r'wide\.pkl.*4 classes'):
        fuse_scores([load_predictions(p) for p in (streams[0], wide)],
                    [1, 1], paths=[streams[0], wide])
    with pytest.raises(ValueError, match='weights'):
        fuse_scores([load_predictions(streams[0])], [1, 1])


def test_bad_files_raise_naming_file_and_field(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pkl'):
        load_predictions(tmp_path / 'nowhere.pkl')
    nan = dump(tmp_path / 'nan.pkl', [A[0], [0., float('nan'), 0.]],
               LABELS[:2], NAMES[:2])
    with pytest.raises(AnnotationError, match=r'nan\.pkl \[1\].*pred_score'):
        load_predictions(nan)
    corrupt = tmp_path / 'corrupt.pkl'
    corrupt.write_bytes(b'not a pickle at all')
    with pytest.raises(AnnotationError, match='corrupt.pkl'):
        load_predictions(corrupt)
    not_list = tmp_path / 'dict.pkl'
    not_list.write_bytes(pickle.dumps(dict(pred_score=[1.])))
    with pytest.raises(AnnotationError, match=r'dict\.pkl.*list'):
        load_predictions(not_list)
    for field in ('pred_score', 'gt_label'):
        entries = [dict(pred_score=torch.zeros(3), gt_label=torch.tensor([0]),
                        frame_dir='x')]
        del entries[0][field]
        path = tmp_path / f'no_{field}.pkl'
        path.write_bytes(pickle.dumps(entries))
        with pytest.raises(AnnotationError,
                           match=rf'no_{field}\.pkl \[0\].*{field}'):
            load_predictions(path)


def test_cli_end_to_end(tmp_path, streams, capsys):
    out = tmp_path / 'res' / 'fused.json'
    result = fuse_tool.main(['--preds', *streams, '--weights', '1', '0.5',
                             '--out', str(out)])
    printed = capsys.readouterr().out
    assert '| **fused** | | 100.00 | 100.00 | 100.00 |' in printed
    assert streams[0] in printed and '50.00' in printed
    data = json.loads(out.read_text())
    assert data == json.loads(json.dumps(result))
    assert [s['top1'] for s in data['streams']] == [50.0, 50.0]
    assert [s['path'] for s in data['streams']] == list(streams)
    assert [s['weight'] for s in data['streams']] == [1.0, 0.5]
    assert data['fused']['top1'] == 100.0
    assert data['fused']['mean_class_acc'] == pytest.approx(100.0)
    assert data['fused']['num_samples'] == 4
    assert data['fused']['weights'] == [1.0, 0.5]
    assert not data['fused']['apply_softmax']
    # default weights 1 each, softmax on
    res = fuse_tool.main(['--preds', *streams, '--apply-softmax'])
    assert res['fused']['weights'] == [1.0, 1.0]
    assert res['fused']['apply_softmax']


def test_cli_errors_leave_no_file(tmp_path, streams):
    out = tmp_path / 'fused.json'
    with pytest.raises(SystemExit):
        fuse_tool.main(['--preds', *streams, '--weights', '1',
                        '--out', str(out)])
    short = dump(tmp_path / 'short.pkl', B[:2])
    with pytest.raises(AnnotationError, match='short.pkl'):
        fuse_tool.main(['--preds', streams[0], short, '--out', str(out)])
    assert not out.exists()
    assert list(tmp_path.glob('.fused.json*')) == []
