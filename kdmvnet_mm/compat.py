"""Narrow repairs for defects of the pinned OpenMMLab stack.

Imported first by ``kdmvnet_mm/__init__.py``. Each repair names the upstream
defect it works around; delete it when the upstream fix is released.
"""
import sys
import types

_APPLIED = False


def _stub_missing_drn() -> None:
    """mmaction2 1.2.0's wheel and sdist lack ``mmaction/models/localizers/drn``
    (open-mmlab/mmaction2#2714), so ``import mmaction.models`` raises
    ModuleNotFoundError. Register placeholder modules before that import; the
    skeleton models never use DRN."""
    if 'mmaction.models.localizers.drn.drn' in sys.modules:
        return
    try:
        import mmaction.models.localizers.drn.drn  # noqa: F401
        return  # a fixed mmaction2 ships the package
    except ImportError:
        pass

    class DRN:  # noqa: D401
        """Placeholder for the DRN localizer missing from the wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'mmaction2 1.2.0 was released without '
                'mmaction/models/localizers/drn (open-mmlab/mmaction2#2714)')

    pkg = types.ModuleType('mmaction.models.localizers.drn')
    pkg.__path__ = []
    mod = types.ModuleType('mmaction.models.localizers.drn.drn')
    mod.DRN = DRN
    pkg.drn = mod
    sys.modules[pkg.__name__] = pkg
    sys.modules[mod.__name__] = mod


def _allow_mmengine_checkpoint_globals() -> None:
    """torch>=2.6 defaults ``torch.load`` to ``weights_only=True``, and
    mmengine 0.10.7 calls it without the argument, so ``--resume`` and
    ``load_checkpoint`` fail with ``Unsupported global: ...HistoryBuffer``
    (open-mmlab/mmengine#1655). Allow-list only the globals mmengine writes
    into its checkpoints instead of turning weights-only loading off."""
    import numpy as np
    import torch
    from mmengine.logging.history_buffer import HistoryBuffer

    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:  # torch < 2.4 loads everything anyway
        return
    from numpy.core import multiarray
    safe = [
        HistoryBuffer,
        multiarray._reconstruct,
        multiarray.scalar,
        np.ndarray,
        np.dtype,
        getattr,
    ]
    # numpy >= 1.25 pickles dtypes as numpy.dtypes.<Name>DType classes.
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        safe += [
            getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')
        ]
    add(safe)


def _check_numpy() -> None:
    """mmaction2 1.2.0 still uses aliases removed in numpy 2 (``np.Inf`` in
    ``PoseCompact``, ``np.trapz``, ``np.in1d``); setup.py pins ``numpy<2``.
    Fail loudly here rather than deep inside a PoseC3D pipeline."""
    import numpy as np
    if int(np.__version__.split('.')[0]) >= 2:
        raise ImportError(
            f'kdmvnet_mm needs numpy<2 (found {np.__version__}): mmaction2 '
            '1.2.0 uses np.Inf/np.trapz/np.in1d, removed in numpy 2. '
            "Run: pip install 'numpy<2'")


def apply() -> None:
    """Apply every repair once; safe to call repeatedly."""
    global _APPLIED
    if _APPLIED:
        return
    _check_numpy()
    _stub_missing_drn()
    _allow_mmengine_checkpoint_globals()
    _APPLIED = True


apply()


def setup_cpu_distributed(cfg) -> None:
    """Make ``--launcher pytorch`` work on CPU-only machines.

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device``
    unconditionally, which fails on a CPU build of torch; and its default
    DDP wrapper passes ``device_ids`` for a GPU. When no GPU is present we
    start the gloo process group ourselves (the Runner then skips its own
    ``init_dist``) and wrap the model without device ids.
    """
    import os

    import torch
    import torch.distributed as dist
    if torch.cuda.is_available() or cfg.get('launcher', 'none') == 'none':
        return
    if cfg.launcher != 'pytorch':
        raise NotImplementedError(
            f'CPU distributed training supports --launcher pytorch only, '
            f'not {cfg.launcher!r}')
    if not dist.is_initialized():
        dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg['backend'] = 'gloo'
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel',
        device_ids=None,
        broadcast_buffers=False)
