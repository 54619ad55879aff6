"""Key parsers, per-view metric, atomic writes, report plots."""
import os

import numpy as np
import pytest
import torch

from kdmvnet_mm.datasets.recording_keys import (KeyParseError, get_key_parser,
                                                parse_ntu, parse_nwucla,
                                                parse_pkummd,
                                                register_key_parser)
from kdmvnet_mm.evaluation.metrics import ViewwiseAccMetric
from kdmvnet_mm.utils import atomic_write, dump_pickle_atomic
from kdmvnet_mm.visualization import (confusion_matrix, plot_confusion,
                                      plot_per_view_accuracy)


def test_key_parsers():
    k = parse_ntu('S001C002P003R002A013')
    assert (k.recording, k.view, k.subject, k.setup, k.action) == \
        ('S001P003R002A013', 2, 3, 1, 13)
    assert parse_ntu('/x/S017C003P020R002A120').recording == 'S017P020R002A120'
    k = parse_nwucla('a12_s10_e04_v03')
    assert (k.recording, k.view, k.subject, k.setup, k.action) == \
        ('a12_s10_e04', 3, 10, 4, 12)
    assert parse_pkummd('0291-R').recording == '0291'
    assert parse_pkummd('0291-M_7') == parse_pkummd('0291-M_07')
    assert parse_pkummd('0291-L_07').view == 1
    for fn, bad in [(parse_ntu, 'S001C002P003R002'),
                    (parse_nwucla, 'a1_s1_e1_v1'), (parse_pkummd, '0291-X')]:
        with pytest.raises(KeyParseError, match=bad):
            fn(bad)
    register_key_parser('mine', lambda n: parse_ntu(n[1:]))
    assert get_key_parser('mine')('xS001C001P001R001A001').view == 1
    with pytest.raises(KeyError, match='unknown key_parser'):
        get_key_parser('nope')


def test_viewwise_metric_counts_each_camera():
    m = ViewwiseAccMetric()
    samples = []
    for cam, pred, label in [(1, 0, 0), (1, 1, 0), (2, 2, 2), (3, 0, 1),
                             (3, 1, 1), (3, 1, 1)]:
        score = torch.zeros(3)
        score[pred] = 1
        samples.append(dict(frame_dir=f'S001C00{cam}P001R001A001',
                            pred_score=score, gt_label=torch.tensor([label])))
    m.process(None, samples)
    out = m.compute_metrics(m.results)
    assert out == {'top1_c1': 0.5, 'top1_c2': 1.0,
                   'top1_c3': pytest.approx(2 / 3)}
    with pytest.raises(KeyError, match='frame_dir'):
        m.process(None, [dict(pred_score=torch.zeros(3),
                              gt_label=torch.tensor([0]))])


def test_atomic_write_leaves_nothing_on_error(tmp_path):
    out = tmp_path / 'a.pkl'
    with pytest.raises(RuntimeError):
        with atomic_write(out) as f:
            f.write(b'partial')
            raise RuntimeError('boom')
    assert os.listdir(tmp_path) == []
    dump_pickle_atomic({'x': 1}, out)
    assert out.exists() and oct(out.stat().st_mode)[-3:] != '600'


def test_confusion_and_plots(tmp_path):
    cm = confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    plot_confusion(cm, tmp_path / 'cm.png', 'x')
    plot_per_view_accuracy({'a': {'C1': 50.0, 'C2': 70.0},
                            'b': {'C1': 60.0}}, tmp_path / 'bars.png')
    for f in ('cm.png', 'bars.png'):
        assert (tmp_path / f).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_set_epochs_fits_the_cosine_and_keeps_the_warm_up():
    from mmengine.config import Config

    from kdmvnet_mm.apis import set_epochs
    cfg = set_epochs(Config.fromfile(
        'configs/_base_/schedules/sgd_clip_cosine_36e.py'), 12)
    assert cfg.train_cfg.max_epochs == cfg.train_cfg.val_interval == 12
    assert cfg.param_scheduler[0].T_max == 12
    # the GPU schedule: 5 warm-up epochs, then cosine to the end
    cfg = set_epochs(Config.fromfile(
        'configs/_base_/schedules/sgd_clip_warmup_cosine_200e.py'), 20)
    warm, cos = cfg.param_scheduler
    assert (warm.begin, warm.end) == (0, 5)
    assert (cos.begin, cos.end, cos.T_max) == (5, 20, 15)
    with pytest.raises(ValueError, match='CosineAnnealingLR.*epoch 5'):
        set_epochs(Config.fromfile(
            'configs/_base_/schedules/sgd_clip_warmup_cosine_200e.py'), 5)


def test_run_result_is_reused_only_for_the_same_config_and_stamps(tmp_path):
    from mmengine.config import Config

    from kdmvnet_mm.apis import (config_digest, read_run_result,
                                 write_run_result)
    cfg = Config(dict(model=dict(type='A', depth=2)))
    other = Config(dict(model=dict(type='A', depth=3)))
    path = str(tmp_path / 'result.json')
    assert read_run_result(path, cfg, strict=True) is None  # none yet
    written = write_run_result(path, config_digest(cfg), dict(top1=81.5),
                               seed=1)
    assert written == dict(top1=81.5, config_sha1=config_digest(cfg), seed=1)
    assert read_run_result(path, cfg, seed=1) == written
    assert read_run_result(path, other, seed=1) is None
    assert read_run_result(path, cfg, seed=2) is None
    with pytest.raises(ValueError, match=r"result\.json: field config_sha1"):
        read_run_result(path, other, strict=True, seed=1)
    with pytest.raises(ValueError, match='field seed is 1'):
        read_run_result(path, cfg, strict=True, seed=2)
    # a stamp the file does not have is a mismatch too
    assert read_run_result(path, cfg, seed=1, upstream='t.pth') is None
    with open(path, 'w') as f:
        f.write('{"top1": 8')  # cut short
    assert read_run_result(path, cfg, seed=1) is None
    with pytest.raises(ValueError, match='not a readable run result'):
        read_run_result(path, cfg, strict=True, seed=1)
