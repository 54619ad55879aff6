"""Train-then-test helpers shared by the demo and the ablation tools."""
import copy
import hashlib
import os.path as osp
import time
from typing import Dict, Optional

from mmengine.config import Config
from mmengine.runner import Runner

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
           'mv_train_dataloader', 'mv_test_dataloader')


def load_experiment_cfg(path: str,
                        work_dir: str,
                        name: str,
                        ann_file: Optional[str] = None,
                        options: Optional[Dict] = None,
                        seed: int = 0,
                        quiet: bool = True,
                        epochs: Optional[int] = None) -> Config:
    """A config with its work dir, a unique experiment name and, when
    given, every dataloader pointed at ``ann_file``, the ``options`` merged
    and the schedule fitted to ``epochs`` (:func:`set_epochs`)."""
    cfg = Config.fromfile(path)
    if ann_file is not None:
        for k in LOADERS:
            if cfg.get(k) is not None:
                cfg[k].dataset.ann_file = ann_file
    cfg.work_dir = work_dir
    cfg.experiment_name = name
    cfg.randomness = dict(seed=seed)
    if quiet:  # full logs still go to the work dir
        cfg.log_level = 'WARNING'
    if options:
        cfg.merge_from_dict(options)
    if epochs:
        set_epochs(cfg, epochs)
    return cfg


def set_epochs(cfg: Config, epochs: int) -> Config:
    """Fit a config's schedule to ``epochs``, validating at the end.

    Every epoch-based scheduler that ran to the old last epoch ends at the
    new one (a cosine's ``T_max`` with it), so the learning rate still
    anneals to ``eta_min``; a warm-up that ends earlier keeps its length.
    """
    old = cfg.train_cfg.max_epochs
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = epochs
    schedulers = cfg.get('param_scheduler') or []
    for s in ([schedulers] if isinstance(schedulers, dict) else schedulers):
        if not s.get('by_epoch', True) or s.get('end', old) < old:
            continue
        begin = s.get('begin', 0)
        if begin >= epochs:
            raise ValueError(
                f'{epochs} epochs: the {s["type"]} scheduler begins at '
                f'epoch {begin}; give more epochs')
        if 'end' in s:
            s['end'] = epochs
        if 'T_max' in s:
            s['T_max'] = epochs - begin
    return cfg


def config_digest(cfg: Config) -> str:
    """SHA-1 of the config's text: the tools reuse a finished run only when
    the config they would train now has the same digest."""
    return hashlib.sha1(cfg.pretty_text.encode()).hexdigest()


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def _test_cfg(cfg: Config, ckpt: str, work_dir: str, name: str) -> Config:
    # deep: the callers set the test split, which must not leak into
    # the training config (a shallow copy shares test_dataloader)
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.experiment_name = name
    cfg.load_from = ckpt
    return cfg


def test_per_camera(cfg: Config, ckpt: str, work_dir: str, name: str,
                    split: str = 'xsub_val',
                    dump: Optional[str] = None) -> Dict[str, float]:
    """Single-view top-1 (%) of every camera in ``split``: ``{'C1': ...}``."""
    cfg = _test_cfg(cfg, ckpt, work_dir, name)
    cfg.test_dataloader.dataset.split = split
    key_parser = 'ntu'
    for ev in cfg.get('test_evaluator', []):
        if ev.get('type') == 'ViewwiseAccMetric':
            key_parser = ev.get('key_parser', 'ntu')
    cfg.test_evaluator = [
        dict(type='AccMetric'),
        dict(type='ViewwiseAccMetric', key_parser=key_parser)
    ]
    if dump:
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=dump))
    metrics = Runner.from_cfg(cfg).test()
    return {
        f'C{k.rsplit("_c", 1)[1]}': 100 * v
        for k, v in metrics.items() if k.startswith('acc_view/top1_c')
    }


def test_all_views(cfg: Config, ckpt: str, work_dir: str, name: str) -> float:
    """Top-1 (%) of a multi-view model given every view of each recording."""
    cfg = _test_cfg(cfg, ckpt, work_dir, name)
    cfg.test_dataloader = cfg.mv_test_dataloader
    cfg.test_evaluator = [dict(type='AccMetric')]
    return 100 * Runner.from_cfg(cfg).test()['acc/top1']


def train_and_test(cfg: Config, split: str = 'xsub_val',
                   dump: Optional[str] = None) -> Dict:
    """Train ``cfg``; test its last checkpoint on every camera of ``split``.

    The last checkpoint, not the best on validation: validation is the
    held-out camera, so choosing on it would peek at the test."""
    t0 = time.time()
    Runner.from_cfg(cfg).train()
    train_s = time.time() - t0
    ckpt = last_checkpoint(cfg.work_dir)
    top1 = test_per_camera(cfg, ckpt, osp.join(cfg.work_dir, 'test'),
                           cfg.experiment_name + '_test', split, dump)
    return dict(top1=top1, train_s=train_s, ckpt=ckpt)
