"""`train_and_test_jobs`: experiments side by side in worker processes."""
import os.path as osp

import pytest
import torch

from kdmvnet_mm.apis import load_experiment_cfg, train_and_test_jobs
from kdmvnet_mm.apis import workers

BASELINE = 'configs/baselines/stgcnpp_synthetic_xview_cpu.py'


def _cfg(tmp_path, name, ann_file):
    return load_experiment_cfg(
        BASELINE, str(tmp_path / name), f'workers_{name}', ann_file,
        {'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1})


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
