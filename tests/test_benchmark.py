"""tools/benchmark.py runs end to end and reports every ratio it promises
(the figures themselves are machine-dependent and not asserted)."""
import json

import pytest

from tools import benchmark

pytest.importorskip('onnxruntime')


def test_benchmark_reports_every_ratio(tmp_path, capsys):
    out = tmp_path / 'bench.json'
    res = benchmark.main(['--steps', '1', '--repeats', '1', '--lengths', '8',
                          '17', '--work-dir', str(tmp_path / 'w'),
                          '--out', str(out)])
    table = capsys.readouterr().out
    for row in ('baseline step', 'online teacher', 'cached teacher',
                'EG-SSM T=17', 'student / ST-GCN++ latency',
                'student eager / onnxruntime', 'MultiViewPoseDataset'):
        assert row in table
    st = res['steps']
    # the same number of student and baseline samples per step
    assert st['student_samples'] >= st['recordings'] > 0
    for k in ('online_ratio', 'cached_ratio'):
        assert st[k] == pytest.approx(st[k.split('_')[0] + '_s'] /
                                      st['baseline_s'])
    assert [s['T'] for s in res['scan']] == [8, 17]
    assert res['latency']['student']['shape'] == (2, 32, 25, 3)
    assert json.loads(out.read_text())['preset'] == 'cpu'
    # the cache the cached step read was built for every training recording
    assert (tmp_path / 'w' / 'teacher_cache.pth').is_file()
