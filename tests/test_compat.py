"""The stack repairs in kdmvnet_mm.compat."""
import numpy as np
import pytest
import torch


def test_mmaction_models_import():
    import mmaction.models  # noqa: F401  (fails without the DRN stub)
    from mmaction.registry import MODELS
    assert MODELS.get('RecognizerGCN') is not None
    assert MODELS.get('STGCN') is not None


def test_registries_have_plugin_modules():
    from mmaction.registry import DATASETS, HOOKS, METRICS, MODELS, TRANSFORMS
    for reg, name in [(DATASETS, 'MultiViewPoseDataset'),
                      (TRANSFORMS, 'SyncUniformSampleFrames'),
                      (MODELS, 'MultiViewRecognizer'), (MODELS, 'EGSSM'),
                      (MODELS, 'DualPrototypeLoss'), (MODELS, 'FMRDLoss'),
                      (MODELS, 'KDMVNetDistiller'),
                      (HOOKS, 'PrototypeHook'),
                      (METRICS, 'ViewwiseAccMetric')]:
        assert reg.get(name) is not None, name


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    """torch>=2.6 weights_only loading of what mmengine writes (#1655)."""
    from mmengine.logging.history_buffer import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(1.5)
    ckpt = dict(
        message_hub=dict(log_scalars={'loss': buf}),
        meta=dict(seed=np.int64(3), arr=np.arange(3, dtype=np.float32)),
        state_dict={'w': torch.ones(2)})
    path = tmp_path / 'c.pth'
    torch.save(ckpt, path)
    loaded = torch.load(path)  # weights_only=True is the default
    assert loaded['message_hub']['log_scalars']['loss'].current() == 1.5
    np.testing.assert_array_equal(loaded['meta']['arr'], np.arange(3))


def test_numpy_pin_keeps_posecompact_working():
    """mmaction2's PoseCompact uses np.Inf, removed in numpy 2."""
    assert int(np.__version__.split('.')[0]) < 2
    from mmaction.datasets.transforms import PoseCompact
    kp = np.random.rand(1, 5, 17, 2).astype(np.float32) * 100 + 10
    out = PoseCompact(hw_ratio=1., allow_imgpad=True)(
        dict(keypoint=kp, img_shape=(200, 200)))
    assert out['keypoint'].shape == kp.shape


def test_cpu_gloo_group_is_closed_after_the_run(monkeypatch):
    """tools/train.py and test.py close the group they started (world 1)."""
    import socket

    import torch.distributed as dist
    from mmengine.config import Config

    from kdmvnet_mm import compat
    if torch.cuda.is_available() or not dist.is_gloo_available():
        pytest.skip('the CPU gloo path only')
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    for k, v in dict(RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
                     MASTER_PORT=str(port)).items():
        monkeypatch.setenv(k, v)
    cfg = Config(dict(launcher='pytorch'))
    try:
        compat.setup_cpu_distributed(cfg)
        assert dist.is_initialized() and dist.get_backend() == 'gloo'
        assert cfg.model_wrapper_cfg.device_ids is None
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        compat.teardown_cpu_distributed()
        assert not dist.is_initialized()
        # a group someone else started is theirs to close
        dist.init_process_group('gloo', rank=0, world_size=1)
        compat.teardown_cpu_distributed()
        assert dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
