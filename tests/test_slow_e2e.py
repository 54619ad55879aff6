"""Long end-to-end runs (`make test-all`); minutes each on 2 CPU cores."""
import json

import pytest

from kdmvnet_mm.apis import load_experiment_cfg, train_and_test
from kdmvnet_mm.datasets.synthetic import write_synthetic_multiview


@pytest.mark.slow
def test_demo_writes_report_and_plots(tmp_path):
    from tools import demo
    data = tmp_path / 'mv.pkl'
    write_synthetic_multiview(str(data), seed=3, num_classes=6,
                              num_performers=8, num_replications=1)
    demo.main(['--work-dir', str(tmp_path / 'demo'), '--data', str(data),
               '--epochs', '2'])
    res = json.load(open(tmp_path / 'demo' / 'results.json'))
    assert set(res['top1']) == {'baseline', 'teacher', 'student'}
    assert set(res['top1']['student']) == {'C1', 'C2', 'C3'}
    for f in ('report.md', 'per_camera_top1.png', 'student_confusion.png'):
        assert (tmp_path / 'demo' / f).stat().st_size > 0
    # the report says one run is a draw and where the spread is measured
    assert 'tools/analysis/seeds.py' in (tmp_path / 'demo' /
                                         'report.md').read_text()


@pytest.mark.slow
@pytest.mark.parametrize('seed', [1])
def test_synthetic_data_has_a_cross_view_gap(tmp_path, seed):
    """The generator's promise: ST-GCN++ trained on cameras 2-3 reaches
    50-85 % on camera 1 and stays >= 5 points below cameras 2-3 of the
    same held-out recordings. (The gap moves with the training's random
    stream: seed 1 gave 16.3 points before RNGStateHook, 7.0 after.)"""
    data = tmp_path / 'mv.pkl'
    write_synthetic_multiview(str(data), seed=seed)
    cfg = load_experiment_cfg(
        'configs/baselines/stgcnpp_synthetic_xview_cpu.py',
        str(tmp_path / 'base'), f'gap_{seed}', str(data))
    top1 = train_and_test(cfg)['top1']
    seen = (top1['C2'] + top1['C3']) / 2
    assert 50 <= top1['C1'] <= 85, top1
    assert seen - top1['C1'] >= 5, top1
