"""`train_and_test_jobs`: experiments side by side in worker processes."""
import os
import os.path as osp
import time

import pytest
import torch

from kdmvnet_mm.apis import load_experiment_cfg, train_and_test_jobs
from kdmvnet_mm.apis import workers

BASELINE = 'configs/baselines/stgcnpp_synthetic_xview_cpu.py'


def _cfg(tmp_path, name, ann_file, epochs=1):
    return load_experiment_cfg(
        BASELINE, str(tmp_path / name), f'workers_{name}', ann_file,
        epochs=epochs)


def _stamp(path):
    """A job's ``prepare``: the time its process began the job."""
    with open(path, 'w') as f:
        f.write(repr(time.time()))


def test_jobs_in_workers_return_results_in_order(synth, tmp_path):
    cfgs = [_cfg(tmp_path, n, synth) for n in ('a', 'b')]
    res = train_and_test_jobs([dict(cfg=c) for c in cfgs], workers=2)
    assert [r['ckpt'] for r in res] == [
        osp.join(str(tmp_path / n), 'epoch_1.pth') for n in ('a', 'b')]
    assert all(set(r['top1']) == {'C1', 'C2', 'C3'} for r in res)


def test_a_failed_job_names_its_config_file_and_log(tmp_path):
    cfgs = [_cfg(tmp_path, n, str(tmp_path / f'{n}.pkl'))
            for n in ('bad', 'worse')]
    with pytest.raises(RuntimeError) as err:
        train_and_test_jobs([dict(cfg=c) for c in cfgs], workers=2)
    msg = str(err.value)
    assert BASELINE in msg and 'FileNotFoundError' in msg
    assert str(tmp_path / 'bad.pkl') in msg
    assert osp.join(str(tmp_path / 'bad'), 'train_console.log') in msg


def test_a_lone_job_runs_with_the_threads_asked_for(monkeypatch, tmp_path):
    seen = []

    def fake(cfg, split, dump):
        seen.append(torch.get_num_threads())
        return dict(top1={}, train_s=0.0, ckpt=None)

    monkeypatch.setattr(workers, 'train_and_test', fake)
    before = torch.get_num_threads()
    cfg = _cfg(tmp_path, 'a', str(tmp_path / 'a.pkl'))
    want = 1 if before > 1 else 2
    train_and_test_jobs([dict(cfg=cfg)], workers=2, threads=want)
    train_and_test_jobs([dict(cfg=cfg)], workers=2)
    # the thread count is put back, and left alone when not asked for
    assert seen == [want, before]
    assert torch.get_num_threads() == before


def test_a_job_starts_as_soon_as_the_job_it_needs_ends(synth, tmp_path):
    """Two workers; ``a`` is long, ``c`` needs the short ``b``: ``c`` runs
    beside ``a`` once ``b`` has ended, not after the pair."""
    a, b, c = (_cfg(tmp_path, n, synth, e) for n, e in
               (('a', 16), ('b', 1), ('c', 1)))
    stamps = {n: str(tmp_path / f'{n}.started') for n in 'abc'}
    done = []
    res = train_and_test_jobs(
        [dict(cfg=a, prepare=(_stamp, (stamps['a'], ))),
         dict(cfg=b, prepare=(_stamp, (stamps['b'], ))),
         dict(cfg=c, after=[1], prepare=(_stamp, (stamps['c'], )))],
        workers=2, on_done=lambda i, r: done.append((i, r['ckpt'])))
    # each result is handed over as its job ends: b, c, then a
    assert done == [(i, res[i]['ckpt']) for i in (1, 2, 0)]
    assert [r['ckpt'] for r in res] == [
        osp.join(str(tmp_path / 'a'), 'epoch_16.pth'),
        osp.join(str(tmp_path / 'b'), 'epoch_1.pth'),
        osp.join(str(tmp_path / 'c'), 'epoch_1.pth')]
    assert all(r['prepare_s'] >= 0 for r in res)
    started = {n: float(open(p).read()) for n, p in stamps.items()}
    # c waited for b's checkpoint, but not for a's last one
    assert started['c'] >= os.stat(res[1]['ckpt']).st_mtime
    assert started['c'] < os.stat(res[0]['ckpt']).st_mtime


def test_a_job_may_only_wait_for_an_earlier_one(monkeypatch, tmp_path):
    order = []
    monkeypatch.setattr(
        workers, 'train_and_test',
        lambda cfg, split, dump: order.append(cfg.work_dir) or dict(
            top1={}, train_s=0.0, ckpt=None))
    a, b = (_cfg(tmp_path, n, str(tmp_path / 'x.pkl')) for n in 'ab')
    with pytest.raises(ValueError, match='job 0 .*field after'):
        train_and_test_jobs([dict(cfg=a, after=[1]), dict(cfg=b)])
    assert order == []
    # in one process the jobs run in list order, so an earlier one is done
    done = []
    res = train_and_test_jobs([dict(cfg=a), dict(cfg=b, after=[0])],
                              on_done=lambda i, r: done.append(i))
    assert order == [a.work_dir, b.work_dir] and done == [0, 1]
    assert [r['prepare_s'] for r in res] == [0.0, 0.0]
