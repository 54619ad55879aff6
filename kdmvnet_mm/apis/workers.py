"""Train independent experiments side by side, one process each.

The CPU presets' models are too small to keep two torch threads busy, so
on a 2-core machine two runs side by side, one thread each, use the cores
better than the same runs one after the other. ``tools/demo.py`` trains the
baseline and the teacher this way; their timings are in its report.
"""
import multiprocessing
import os
import os.path as osp
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Dict, List, Optional, Tuple

from mmengine.config import Config

from .experiment import train_and_test


def threads_per_job(workers: int) -> int:
    """Torch threads of each of ``workers`` runs side by side: the cores
    shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // workers)


def _run_job(cfg: Config, split: str, dump: Optional[str],
             prepare: Optional[Tuple[Callable, tuple]]) -> Dict:
    """``prepare`` first (its seconds in ``prepare_s``), then train, test."""
    prepare_s = 0.0
    if prepare is not None:
        t0 = time.time()
        prepare[0](*prepare[1])
        prepare_s = time.time() - t0
    return dict(train_and_test(cfg, split, dump), prepare_s=prepare_s)


def _train_in_worker(cfg: Config, split: str, dump: Optional[str],
                     prepare: Optional[Tuple[Callable, tuple]], log: str,
                     threads: int) -> Dict:
    import torch
    torch.set_num_threads(threads)
    os.makedirs(osp.dirname(osp.abspath(log)), exist_ok=True)
    # fd-level redirection also catches the C++ side's output
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    return _run_job(cfg, split, dump, prepare)


def train_and_test_jobs(jobs: List[Dict], workers: int = 1,
                        threads: Optional[int] = None,
                        on_done: Optional[Callable[[int, Dict], None]] = None
                        ) -> List[Dict]:
    """``train_and_test`` for every job, ``workers`` at a time.

    Each job is ``dict(cfg=Config, split='xsub_val', dump=None, after=(),
    prepare=None)``. ``after`` lists the indices of earlier jobs it needs
    (a student its teacher); ``prepare`` is a picklable ``(function,
    args)`` called in the job's process before training (caching that
    teacher), its seconds returned as ``prepare_s``. A free worker takes
    the first job whose ``after`` have all finished, so a student starts
    as soon as its own teacher ends, not when every teacher has.
    ``on_done(index, result)``, when given, is called in this process as
    each job ends (to save its result even if a later job fails).

    With ``workers > 1`` every job runs in its own spawned process with
    ``threads`` (default ``cpu_count // workers``) torch threads, its
    console output going to ``<work_dir>/train_console.log``; results come
    back in job order and a failed job raises naming its config and that
    log (the jobs already running finish first; none is started after).
    One job, or ``workers <= 1``, runs in this process, in list order,
    with ``threads`` torch threads when given (the thread count changes
    the order of floating-point sums, and so a run's figures)."""
    calls = [(j['cfg'], j.get('split', 'xsub_val'), j.get('dump'),
              j.get('prepare')) for j in jobs]
    after = [set(j.get('after', ())) for j in jobs]
    for i, deps in enumerate(after):
        if any(not 0 <= d < i for d in deps):
            raise ValueError(f'job {i} ({jobs[i]["cfg"].filename}): field '
                             f'after {sorted(deps)} must name earlier jobs')
    if workers <= 1 or len(jobs) <= 1:
        return _in_process(calls, threads, on_done)
    if threads is None:
        threads = threads_per_job(workers)
    ctx = multiprocessing.get_context('spawn')  # no forked torch state
    logs = [osp.join(c[0].work_dir, 'train_console.log') for c in calls]
    results, running, failed = {}, {}, {}
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        while len(results) < len(calls):
            ready = [] if failed else [
                i for i in range(len(calls))
                if i not in results and i not in running
                and after[i] <= set(results)]
            for i in ready[:workers - len(running)]:
                running[i] = pool.submit(_train_in_worker, *calls[i],
                                         logs[i], threads)
            if not running:
                break
            done, _ = wait(running.values(), return_when=FIRST_COMPLETED)
            for i in [i for i, f in running.items() if f in done]:
                try:
                    results[i] = running.pop(i).result()
                except Exception as e:
                    failed[i] = e
                    continue
                if on_done is not None:
                    on_done(i, results[i])
    if failed:
        i = min(failed)  # the first failed job in list order
        e = failed[i]
        raise RuntimeError(
            f'training {calls[i][0].filename} (work_dir '
            f'{calls[i][0].work_dir}) failed: {type(e).__name__}: {e}; its '
            f'output is in {logs[i]}') from e
    return [results[i] for i in range(len(calls))]


def _in_process(calls, threads: Optional[int], on_done) -> List[Dict]:
    import torch
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        results = []
        for i, c in enumerate(calls):
            results.append(_run_job(*c))
            if on_done is not None:
                on_done(i, results[-1])
        return results
    finally:
        torch.set_num_threads(before)
