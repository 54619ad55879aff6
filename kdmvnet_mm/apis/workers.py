"""Train independent experiments side by side, one process each.

The CPU presets' models are too small to keep two torch threads busy, so
on a 2-core machine two runs side by side, one thread each, use the cores
better than the same runs one after the other. ``tools/demo.py`` trains the
baseline and the teacher this way; their timings are in its report.
"""
import multiprocessing
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from typing import Dict, List, Optional

from mmengine.config import Config

from .experiment import train_and_test


def threads_per_job(workers: int) -> int:
    """Torch threads of each of ``workers`` runs side by side: the cores
    shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // workers)


def _train_in_worker(cfg: Config, split: str, dump: Optional[str],
                     log: str, threads: int) -> Dict:
    import torch
    torch.set_num_threads(threads)
    os.makedirs(osp.dirname(osp.abspath(log)), exist_ok=True)
    # fd-level redirection also catches the C++ side's output
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    return train_and_test(cfg, split, dump)


def train_and_test_jobs(jobs: List[Dict], workers: int = 1,
                        threads: Optional[int] = None) -> List[Dict]:
    """``train_and_test`` for every job, ``workers`` at a time.

    Each job is ``dict(cfg=Config, split='xsub_val', dump=None)``. With
    ``workers > 1`` every job runs in its own spawned process with
    ``threads`` (default ``cpu_count // workers``) torch threads, its
    console output going to ``<work_dir>/train_console.log``; results come
    back in job order and a failed job raises naming its config and that
    log. One job, or ``workers <= 1``, runs in this process, with
    ``threads`` torch threads when given (the thread count changes the
    order of floating-point sums, and so a run's figures)."""
    calls = [(j['cfg'], j.get('split', 'xsub_val'), j.get('dump'))
             for j in jobs]
    if workers <= 1 or len(jobs) <= 1:
        return _in_process(calls, threads)
    if threads is None:
        threads = threads_per_job(workers)
    ctx = multiprocessing.get_context('spawn')  # no forked torch state
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        runs = []
        for cfg, split, dump in calls:
            log = osp.join(cfg.work_dir, 'train_console.log')
            runs.append((cfg, log, pool.submit(
                _train_in_worker, cfg, split, dump, log, threads)))
        results = []
        for cfg, log, fut in runs:
            try:
                results.append(fut.result())
            except Exception as e:
                raise RuntimeError(
                    f'training {cfg.filename} (work_dir {cfg.work_dir}) '
                    f'failed: {type(e).__name__}: {e}; its output is in '
                    f'{log}') from e
    return results


def _in_process(calls, threads: Optional[int]) -> List[Dict]:
    import torch
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return [train_and_test(*c) for c in calls]
    finally:
        torch.set_num_threads(before)
