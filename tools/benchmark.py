"""Speed of KD-MVNet against its baselines, as ratios measured in one run.

    python tools/benchmark.py [--preset cpu|full] [--device cpu|cuda]
        [--steps 5] [--lengths 32 100 300] [--threads N] [--out bench.json]

Everything runs in this one process on generated synthetic data (NTU
layout), random weights, on the same machine, one after the other:

1. training step (forward, backward, SGD update; data already loaded):
   distillation with the online teacher and with the cached teacher
   (``tools/cache_teacher.py``'s cache) against the single-view ST-GCN++
   baseline, same backbone, same number of student samples per step;
2. EG-SSM forward, parallel scan against the reference loop;
3. inference latency at batch 1: the student against mmaction2's ST-GCN++,
   in PyTorch eager and with onnxruntime (CPU);
4. data: ``MultiViewPoseDataset`` recordings/s (one loader process)
   against the recordings one online distillation step consumes per second.

``--preset cpu`` uses the synthetic CPU presets (small backbone, 32-frame
clips); ``--preset full`` the NTU60 xsub configs at full size (100-frame
clips, 64-channel ST-GCN++).
"""
import argparse
import copy
import json
import os.path as osp
import statistics
import sys
import tempfile
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmengine.utils import ProgressBar  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.datasets.synthetic import write_synthetic_multiview  # noqa
from kdmvnet_mm.deployment import (ClipScores, eager_latency_ms,  # noqa: E402
                                   export_onnx, input_shape, onnx_latency_ms,
                                   onnx_session)
from kdmvnet_mm.models.necks import EGSSM  # noqa: E402
from mmaction.registry import DATASETS, MODELS  # noqa: E402
from tools.cache_teacher import build_cache_dataset, cache_teacher  # noqa

PRESETS = dict(
    cpu=dict(
        baseline='configs/baselines/stgcnpp_synthetic_xview_cpu.py',
        teacher='configs/kdmvnet/teacher_synthetic_xview_cpu.py',
        student='configs/kdmvnet/student_synthetic_xview_cpu.py'),
    full=dict(
        baseline='configs/baselines/stgcnpp_ntu60_xsub.py',
        teacher='configs/kdmvnet/teacher_ntu60_xsub.py',
        student='configs/kdmvnet/student_ntu60_xsub.py'))
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
           'mv_train_dataloader', 'mv_test_dataloader')
TARGETS = dict(cached_step=1.3, student_latency=1.1, onnx_speedup=1.5)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--preset', choices=sorted(PRESETS), default='cpu')
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    p.add_argument('--steps', type=int, default=5,
                   help='timed training steps (median; after 1 warm-up)')
    p.add_argument('--repeats', type=int, default=20,
                   help='timed inference runs (median)')
    p.add_argument('--lengths', type=int, nargs='+', default=[32, 100, 300],
                   help='EG-SSM sequence lengths')
    p.add_argument('--threads', type=int, help='torch CPU threads')
    p.add_argument('--work-dir', help='scratch directory (default: a temp '
                   'dir, removed afterwards)')
    p.add_argument('--out', help='also write the figures as JSON')
    return p.parse_args(argv)


def load_cfg(path: str, ann: str, work_dir: str, **options) -> Config:
    cfg = Config.fromfile(path)
    for k in LOADERS:
        if cfg.get(k) is not None:
            cfg[k].dataset.ann_file = ann
            # one process: the figure is what a single loader gives
            cfg[k].num_workers = 0
            cfg[k].persistent_workers = False
    cfg.work_dir = work_dir
    cfg.merge_from_dict(options)
    return cfg


def sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def time_steps(model, optim_wrapper, batches, device):
    """Median seconds of ``model.train_step`` over ``batches[1:]`` (the
    first is a warm-up)."""
    model.train()
    times = []
    for i, batch in enumerate(batches):
        sync(device)
        t0 = time.perf_counter()
        model.train_step(batch, optim_wrapper)
        sync(device)
        if i:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fetch(cfg_loader, n: int, batch_size=None):
    cfg_loader = dict(cfg_loader)
    if batch_size is not None:
        cfg_loader['batch_size'] = batch_size
    loader = Runner.build_dataloader(cfg_loader, seed=0)
    batches = []
    while len(batches) < n:
        for b in loader:
            batches.append(b)
            if len(batches) == n:
                break
    return batches


def train_setup(cfg: Config, device: str):
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device)
    return model, build_optim_wrapper(model, cfg.optim_wrapper)


def step_ratios(cfgs, args, work: str):
    """Baseline, online-teacher and cached-teacher training steps."""
    dev, n = args.device, args.steps + 1
    s_cfg = cfgs['student']
    mv_batches = fetch(s_cfg.train_dataloader, n)
    # the baseline takes as many single-view samples as the student rows
    rows = int(torch.stack(
        [ds.view_mask for ds in mv_batches[0]['data_samples']]).sum())
    base_model, base_opt = train_setup(cfgs['baseline'], dev)
    base = time_steps(base_model, base_opt,
                      fetch(cfgs['baseline'].train_dataloader, n, rows), dev)
    del base_model, base_opt
    online_model, online_opt = train_setup(s_cfg, dev)
    online = time_steps(online_model, online_opt, mv_batches, dev)
    del online_model, online_opt
    cached_cfg = copy.deepcopy(s_cfg)
    # teacher_ckpt stays: the student's backbone may start from it
    cached_cfg.model.update(teacher=None, teacher_cache=cfgs['cache'])
    cached_model, cached_opt = train_setup(cached_cfg, dev)
    cached = time_steps(cached_model, cached_opt, mv_batches, dev)
    recs = len(mv_batches[0]['data_samples'])
    return dict(student_samples=rows, recordings=recs, baseline_s=base,
                online_s=online, cached_s=cached,
                online_ratio=online / base, cached_ratio=cached / base)


def scan_ratios(args, embed: int):
    torch.manual_seed(0)
    neck = EGSSM(in_channels=embed, hidden_channels=2 * embed,
                 state_dim=embed).to(args.device).eval()
    out = []
    with torch.no_grad():
        for T in args.lengths:
            x = torch.randn(8, T, embed, device=args.device)
            t = {}
            for scan in ('parallel', 'loop'):
                neck.scan = scan
                neck(x)  # warm-up
                times = []
                for _ in range(3):
                    sync(args.device)
                    t0 = time.perf_counter()
                    neck(x)
                    sync(args.device)
                    times.append(time.perf_counter() - t0)
                t[scan] = 1000 * statistics.median(times)
            out.append(dict(T=T, parallel_ms=t['parallel'],
                            loop_ms=t['loop'],
                            ratio=t['loop'] / t['parallel']))
    return out


def latency(cfgs, args, work: str):
    """Batch-1 CPU latency: student and ST-GCN++, eager and onnxruntime."""
    res = {}
    for name in ('student', 'baseline'):
        cfg = cfgs[name]
        model_cfg = cfg.model.student if name == 'student' else cfg.model
        module = ClipScores(MODELS.build(model_cfg))
        shape = input_shape(cfg) if name == 'student' else \
            res['student']['shape']
        x = torch.randn((1, ) + tuple(shape))
        path = osp.join(work, f'{name}.onnx')
        export_onnx(module, shape, path)
        res[name] = dict(
            shape=shape, eager_ms=eager_latency_ms(module, x, args.repeats),
            onnx_ms=onnx_latency_ms(onnx_session(path), x.numpy(),
                                    args.repeats))
    s, b = res['student'], res['baseline']
    return dict(
        student=s, stgcnpp=b, student_vs_stgcnpp=s['eager_ms'] / b['eager_ms'],
        student_onnx_speedup=s['eager_ms'] / s['onnx_ms'],
        stgcnpp_onnx_speedup=b['eager_ms'] / b['onnx_ms'])


def data_rate(cfgs, steps, n: int = 40):
    dataset = DATASETS.build(cfgs['student'].train_dataloader.dataset)
    n = min(n, len(dataset))
    dataset[0]
    t0 = time.perf_counter()
    for i in range(n):
        dataset[i]
    supply = n / (time.perf_counter() - t0)
    need = steps['recordings'] / steps['online_s']
    return dict(recordings_per_s=supply, consumed_per_s=need,
                ratio=supply / need)


def report(r) -> str:
    st, lat, d = r['steps'], r['latency'], r['data']
    met = ('met', 'MISSED')
    lines = [
        f'device {r["device"]}, preset {r["preset"]}, torch threads '
        f'{r["threads"]}; medians',
        '',
        '| measurement | figure | ratio | target |',
        '| --- | --- | --- | --- |',
        f'| baseline step ({st["student_samples"]} single-view samples) | '
        f'{1000 * st["baseline_s"]:.0f} ms | 1.00 | |',
        f'| distillation step, online teacher ({st["recordings"]} recordings,'
        f' {st["student_samples"]} student samples) | '
        f'{1000 * st["online_s"]:.0f} ms | {st["online_ratio"]:.2f} | |',
        f'| distillation step, cached teacher | {1000 * st["cached_s"]:.0f} '
        f'ms | {st["cached_ratio"]:.2f} | <= {TARGETS["cached_step"]} '
        f'{met[st["cached_ratio"] > TARGETS["cached_step"]]} |',
    ]
    for s in r['scan']:
        lines.append(
            f'| EG-SSM T={s["T"]}: loop / parallel scan | '
            f'{s["loop_ms"]:.1f} / {s["parallel_ms"]:.1f} ms | '
            f'{s["ratio"]:.2f} | |')
    if lat:
        lines += [
            f'| student / ST-GCN++ latency, batch 1, eager | '
            f'{lat["student"]["eager_ms"]:.1f} / '
            f'{lat["stgcnpp"]["eager_ms"]:.1f} ms | '
            f'{lat["student_vs_stgcnpp"]:.2f} | <= '
            f'{TARGETS["student_latency"]} '
            f'{met[lat["student_vs_stgcnpp"] > TARGETS["student_latency"]]}'
            ' |',
            f'| student eager / onnxruntime | '
            f'{lat["student"]["eager_ms"]:.1f} / '
            f'{lat["student"]["onnx_ms"]:.1f} ms | '
            f'{lat["student_onnx_speedup"]:.2f} | >= '
            f'{TARGETS["onnx_speedup"]} '
            f'{met[lat["student_onnx_speedup"] < TARGETS["onnx_speedup"]]} |',
            f'| ST-GCN++ eager / onnxruntime | '
            f'{lat["stgcnpp"]["eager_ms"]:.1f} / '
            f'{lat["stgcnpp"]["onnx_ms"]:.1f} ms | '
            f'{lat["stgcnpp_onnx_speedup"]:.2f} | |',
        ]
    lines.append(
        f'| MultiViewPoseDataset supply / online-step demand (recordings/s) |'
        f' {d["recordings_per_s"]:.1f} / {d["consumed_per_s"]:.1f} | '
        f'{d["ratio"]:.2f} | |')
    return '\n'.join(lines)


def run(args, work: str) -> dict:
    ann = osp.join(work, 'synthetic.pkl')
    write_synthetic_multiview(ann, seed=0, num_performers=8,
                              num_replications=1, num_setups=1)
    names = PRESETS[args.preset]
    cfgs = {k: load_cfg(v, ann, osp.join(work, k)) for k, v in names.items()}
    init_default_scope('mmaction')
    # a random-weight teacher: its cost does not depend on its weights
    teacher_cfg = cfgs['teacher']
    teacher = MODELS.build(teacher_cfg.model)
    teacher.init_weights()
    ckpt = osp.join(work, 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    teacher.eval()
    cache = cache_teacher(teacher, build_cache_dataset(teacher_cfg))
    cfgs['cache'] = osp.join(work, 'teacher_cache.pth')
    torch.save(cache, cfgs['cache'])
    del teacher
    cfgs['student'].model.update(teacher=names['teacher'],
                                 teacher_ckpt=ckpt)
    print()
    bar = ProgressBar(4)
    res = dict(preset=args.preset, device=args.device,
               threads=torch.get_num_threads())
    if args.device == 'cuda':
        res['device'] = torch.cuda.get_device_name()
    res['steps'] = step_ratios(cfgs, args, work)
    bar.update()
    embed = cfgs['student'].model.student.embed_dims
    res['scan'] = scan_ratios(args, embed)
    bar.update()
    # onnxruntime runs on the CPU: latency is measured there only
    res['latency'] = latency(cfgs, args, work) if args.device == 'cpu' \
        else None
    bar.update()
    res['data'] = data_rate(cfgs, res['steps'])
    bar.update()
    return res


def main(argv=None) -> dict:
    args = parse_args(argv)
    # init_weights reports every parameter at INFO: keep the table readable
    MMLogger.get_instance('kdmvnet_benchmark', log_level='WARNING')
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise RuntimeError('--device cuda: no CUDA device is available')
    if args.work_dir:
        res = run(args, args.work_dir)
    else:
        with tempfile.TemporaryDirectory() as work:
            res = run(args, work)
    print('\n' + report(res))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(res, f, indent=1)
    return res


if __name__ == '__main__':
    main()
