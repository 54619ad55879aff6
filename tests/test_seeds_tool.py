"""tools/analysis/seeds.py: baseline and teacher → student over seeds."""
import glob
import json
import os
import os.path as osp

import pytest
from mmengine.config import Config

from tools.analysis import seeds


def _top1(values):
    """``values[model] = [(C1, C2), ...]`` one pair per seed 0, 1, ..."""
    return {m: {s: dict(C1=a, C2=b) for s, (a, b) in enumerate(v)}
            for m, v in values.items()}


def test_summary_pairs_student_and_baseline_by_seed():
    top1 = _top1(dict(baseline=[(70, 90), (80, 92)],
                      teacher=[(60, 80), (60, 84)],
                      student=[(78, 95), (82, 93)]))
    s = seeds.summarise(top1)
    assert s['baseline']['C1'] == pytest.approx((75.0, 7.0710678))
    # paired: +8 and +2, not the difference of the two means' spreads
    assert s['gain']['C1'] == pytest.approx((5.0, 4.2426407))
    assert s['gain']['C2'] == pytest.approx((3.0, 2.8284271))
    lines = seeds.format_table(top1)
    assert lines[2] == ('| 0 | 70.0 / 90.0 | 60.0 / 80.0 | 78.0 / 95.0 | '
                        '+8.0 / +5.0 |')
    assert lines[-2].startswith('| mean | 75.0 / 91.0 | 60.0 / 82.0 | '
                                '80.0 / 94.0 | +5.0 / +3.0 |')
    assert lines[-1].endswith('| 4.2 / 2.8 |')
    one = _top1(dict(baseline=[(70, 90)], teacher=[(60, 80)],
                     student=[(78, 95)]))
    assert seeds.summarise(one)['gain']['C1'] == (8.0, 0.0)


def test_missing_data_file_is_named(tmp_path):
    missing = str(tmp_path / 'none.pkl')
    with pytest.raises(FileNotFoundError, match='none.pkl'):
        seeds.main(['--data', missing, '--work-dir', str(tmp_path)])


def test_two_seeds_end_to_end_and_rerun_reuses_results(synth, tmp_path):
    wd = str(tmp_path / 'seeds')
    args = ['--seeds', '0,1', '--work-dir', wd, '--data', synth,
            '--epochs', '1', '--jobs', '2', '--threads', '1']
    top1 = seeds.main(args)
    for m in seeds.MODELS:
        assert sorted(top1[m]) == [0, 1]
        assert all(set(r) == {'C1', 'C2', 'C3'} for r in top1[m].values())
    # each student trained from its own seed's teacher cache
    for s in (0, 1):
        cache = osp.join(wd, f'teacher_seed{s}', 'teacher_cache.pth')
        assert osp.isfile(cache)
        # the config the Runner dumped into the student's run directory
        dumped, = glob.glob(osp.join(wd, f'student_seed{s}', '*.py'))
        assert Config.fromfile(dumped).model.teacher_cache == cache
    with open(osp.join(wd, 'seeds.json')) as f:
        saved = json.load(f)
    assert saved['top1']['student']['1'] == top1['student'][1]
    assert '| mean |' in open(osp.join(wd, 'seeds.md')).read()
    # a rerun trains nothing and reads the same figures back
    before = osp.getmtime(osp.join(wd, 'student_seed0', 'result.json'))
    assert seeds.main(args) == top1
    assert osp.getmtime(osp.join(wd, 'student_seed0',
                                 'result.json')) == before
    # an interrupted study: a teacher without its result trains again, and
    # so does its student; the other seed's runs are reused
    student1 = osp.join(wd, 'student_seed1', 'result.json')
    before1 = osp.getmtime(student1)
    os.remove(osp.join(wd, 'teacher_seed1', 'result.json'))
    again = seeds.main(args)
    assert osp.getmtime(student1) > before1
    assert osp.getmtime(osp.join(wd, 'student_seed0',
                                 'result.json')) == before
    assert again['baseline'] == top1['baseline']
    # a second study with another student config in the same work dir
    # the same config files and seeds, trained for another number of epochs
    with pytest.raises(ValueError, match=r'baseline_seed0.*result\.json.*'
                       r'field config_sha1'):
        seeds.main(['--seeds', '0,1', '--work-dir', wd, '--data', synth,
                    '--epochs', '2', '--jobs', '2'])
    with pytest.raises(ValueError, match=r'baseline_seed0.*result\.json.*'
                       r'field threads is 1, but this run has 2'):
        seeds.main(args + ['--threads', '2'])
    other = 'configs/kdmvnet/student_synthetic_xview.py'
    with pytest.raises(ValueError, match=r'student_seed0.*result\.json.*'
                       r'field config.*student_synthetic_xview_cpu'):
        seeds.main(args + ['--student', other])


def _fake_training(calls):
    """A stand-in for train_and_test_jobs that records the jobs and ends
    each with made-up figures (its position in the list on camera 1)."""
    def fake(jobs, workers, threads, on_done=None):
        calls.append(jobs)
        results = []
        for i, job in enumerate(jobs):
            res = dict(top1=dict(C1=float(i), C2=50.0), train_s=1.0,
                       prepare_s=0.0)
            on_done(i, res)
            results.append(res)
        return results
    return fake


def test_a_student_waits_only_for_its_own_teacher(tmp_path, monkeypatch):
    data = tmp_path / 'ann.pkl'
    data.write_bytes(b'')  # never read: training is faked
    wd = str(tmp_path / 'seeds')
    calls = []
    monkeypatch.setattr(seeds, 'train_and_test_jobs', _fake_training(calls))
    args = ['--seeds', '0,1', '--work-dir', wd, '--data', str(data),
            '--jobs', '2', '--threads', '1']
    seeds.main(args)
    jobs, = calls
    names = [osp.basename(j['cfg'].work_dir) for j in jobs]
    assert names == ['baseline_seed0', 'teacher_seed0', 'student_seed0',
                     'baseline_seed1', 'teacher_seed1', 'student_seed1']
    # one pool for all runs: a student after its own teacher only, caching
    # it in its own process first
    assert [j.get('after', []) for j in jobs] == [[], [], [1], [], [], [4]]
    fn, (tcfg, tdir) = jobs[5]['prepare']
    assert fn is seeds.cache_for_student
    assert tdir == tcfg.work_dir == osp.join(wd, 'teacher_seed1')
    # teacher 1 trained again: it and its student only, the student after it
    os.remove(osp.join(wd, 'teacher_seed1', 'result.json'))
    seeds.main(args)
    assert [osp.basename(j['cfg'].work_dir) for j in calls[1]] == [
        'teacher_seed1', 'student_seed1']
    assert calls[1][1]['after'] == [0]
    # a student whose teacher is done trains from that teacher's cache
    os.remove(osp.join(wd, 'student_seed0', 'result.json'))
    seeds.main(args)
    job, = calls[2]
    assert 'after' not in job and job['prepare'][1][1].endswith(
        'teacher_seed0')


def test_a_result_from_another_study_is_refused_before_training(
        tmp_path, monkeypatch):
    data = tmp_path / 'ann.pkl'
    data.write_bytes(b'')
    wd = str(tmp_path / 'seeds')
    calls = []
    monkeypatch.setattr(seeds, 'train_and_test_jobs', _fake_training(calls))
    seeds.main(['--seeds', '0', '--work-dir', wd, '--data', str(data),
                '--threads', '1'])
    for m in ('teacher', 'student'):
        os.remove(osp.join(wd, f'{m}_seed0', 'result.json'))
    # the baseline's result is from one thread: this study has two
    with pytest.raises(ValueError, match=r'baseline_seed0.*result\.json.*'
                       r'field threads is 1, but this run has 2'):
        seeds.main(['--seeds', '0', '--work-dir', wd, '--data', str(data),
                    '--threads', '2'])
    assert len(calls) == 1  # nothing trained for the second study


@pytest.mark.parametrize('preset', sorted(seeds.PRESETS.values()))
def test_24_epoch_configs_change_only_the_schedule(preset):
    """The README's 24-epoch study: each ``*_24e`` config is its preset
    with 24 epochs (cosine to 24, validation every 6), and the student's
    teacher is the 24-epoch one."""
    base = Config.fromfile(preset).to_dict()
    long = Config.fromfile(preset[:-3] + '_24e.py').to_dict()
    assert long.pop('train_cfg') == dict(base.pop('train_cfg'),
                                         max_epochs=24, val_interval=6)
    sched, = long.pop('param_scheduler')
    assert sched == dict(base.pop('param_scheduler')[0], T_max=24)
    if 'student' in preset:
        assert long['model'].pop('teacher') == \
            'configs/kdmvnet/teacher_synthetic_xview_cpu_24e.py'
        assert long['model'].pop('teacher_ckpt') == \
            'work_dirs/teacher_synthetic_xview_cpu_24e'
        for key in ('teacher', 'teacher_ckpt'):
            base['model'].pop(key)
    assert long == base
