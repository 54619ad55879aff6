"""The stack repairs in kdmvnet_mm.compat."""
import numpy as np
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
