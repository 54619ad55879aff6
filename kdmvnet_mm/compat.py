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


_OWN_GLOO_GROUP = False


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
    global _OWN_GLOO_GROUP
    if not dist.is_initialized():
        dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
        _OWN_GLOO_GROUP = True
    env_cfg = dict(cfg.get('env_cfg', {}))
    env_cfg['dist_cfg'] = dict(env_cfg.get('dist_cfg', {}), backend='gloo')
    cfg.env_cfg = env_cfg
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel',
        device_ids=None,
        broadcast_buffers=False)


def teardown_cpu_distributed() -> None:
    """Close the gloo group that :func:`setup_cpu_distributed` started.

    mmengine 0.10.7 never destroys its process group, and torch's
    ``destroy_process_group`` notes that a group outliving the interpreter
    can crash the process at exit. The ranks of a CPU run would then leave
    at different moments (rank 0 still writing the last checkpoint while
    rank 1 closes its sockets), so they meet at a barrier first and shut
    the group down together. Called after a run that ended normally only:
    after an error the other ranks may never reach the barrier.
    """
    global _OWN_GLOO_GROUP
    import torch.distributed as dist
    if _OWN_GLOO_GROUP and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
    _OWN_GLOO_GROUP = False


# --------------------------------------------------------------- mmpose
class _MissingMmcvOp:
    """Stands for a compiled ``mmcv.ops`` op: importing, subclassing and
    registering work; calling or instantiating raises."""

    _op = '?'

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            f'mmcv.ops.{self._op} needs the compiled ops of full mmcv; '
            'mmcv-lite has none (the top-down pose path never calls it). '
            'Detectors, RTMO, DEKR and deformable heads need full '
            'mmcv==2.1.0 built from source.')


class _MissingMmcvOpsModule(types.ModuleType):

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        op = type(name, (_MissingMmcvOp, ), dict(_op=name))
        setattr(self, name, op)
        return op


class _MmcvOpsFinder:
    """Meta-path finder serving ``mmcv.ops`` and every ``mmcv.ops.<x>``
    submodule as a :class:`_MissingMmcvOpsModule`."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != 'mmcv.ops' and not name.startswith('mmcv.ops.'):
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(
            name, _MmcvOpsFinder, is_package=True)

    @staticmethod
    def create_module(spec):
        mod = _MissingMmcvOpsModule(spec.name)
        mod.__path__ = []
        return mod

    @staticmethod
    def exec_module(module):
        pass


def _stub_mmcv_ops() -> None:
    """mmcv-lite ships ``mmcv/ops/*.py`` without the compiled ``mmcv._ext``,
    so ``import mmcv.ops`` raises ``No module named 'mmcv._ext'``; mmpose
    1.3.2 imports it at module level (``edpose_head``: MultiScaleDeformable-
    Attention) and so does mmdet 3.3.0 (``batched_nms``, ``roi_align``...),
    which ``mmpose.models`` imports. Serve placeholders that raise
    NotImplementedError naming the op when used. Skipped when the real
    compiled ops load (full mmcv)."""
    if _MmcvOpsFinder in sys.meta_path:
        return
    try:
        import mmcv._ext  # noqa: F401
        return
    except ImportError:
        pass
    for name in [m for m in sys.modules if m == 'mmcv.ops'
                 or m.startswith('mmcv.ops.')]:
        del sys.modules[name]  # a half-imported real mmcv.ops
    sys.meta_path.insert(0, _MmcvOpsFinder)
    # mmcv-lite's transformer.py leaves MultiScaleDeformableAttention
    # undefined when its ``mmcv.ops`` import fails, and mmdet.models (the
    # detector path) imports the name from there.
    bricks = sys.modules.get('mmcv.cnn.bricks.transformer')
    if bricks is not None and not hasattr(bricks,
                                          'MultiScaleDeformableAttention'):
        from mmcv.ops import MultiScaleDeformableAttention
        bricks.MultiScaleDeformableAttention = MultiScaleDeformableAttention


def _stub_torchvision_meta_registrations() -> None:
    """PyPI's torchvision 0.28.0 (the one matching torch 2.13.0) is a CUDA
    build; on the CPU torch its ``_C.so`` fails to load, and then
    ``import torchvision`` itself raises ``RuntimeError: operator
    torchvision::nms does not exist`` while ``_meta_registrations``
    registers fake kernels for the missing ops (download.pytorch.org's CPU
    wheel is unreachable here). Skip that module so the pure-Python parts
    import; the C++ ops
    (nms, roi_align) still raise torchvision's "Couldn't load custom C++
    ops" when called. The top-down pose path never calls them."""
    import importlib.machinery
    import importlib.util
    import os.path as osp
    if 'torchvision' in sys.modules:
        return
    spec = importlib.util.find_spec('torchvision')
    if spec is None:
        return
    import torch
    # torchvision/extension.py's probe, without importing the package.
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        lib = osp.join(spec.submodule_search_locations[0], '_C' + suffix)
        if osp.exists(lib):
            try:
                torch.ops.load_library(lib)
                return  # a CPU-compatible build: nothing to repair
            except (ImportError, OSError):
                break
    name = 'torchvision._meta_registrations'
    sys.modules.setdefault(name, types.ModuleType(name))


def prepare_mmpose():
    """Import and return ``mmpose`` after the two repairs it needs on this
    stack (mmcv-lite, CPU torch); raise ImportError naming the cause when
    mmpose is not installed (``make install-pose``)."""
    import importlib.util
    if importlib.util.find_spec('mmpose') is None:
        # nothing to repair for, and the repairs would change mmcv.ops
        raise ImportError('mmpose is not installed; install it with '
                          '`make install-pose` (README: "Pose extraction")')
    _stub_torchvision_meta_registrations()
    _stub_mmcv_ops()
    try:
        import mmpose
        import mmpose.apis  # noqa: F401  (imports models, heads, mmdet)
    except ImportError as e:
        raise ImportError(
            f'mmpose is not usable ({e}); install it with `make install-pose`'
            ' (README: "Pose extraction")') from e
    return mmpose
