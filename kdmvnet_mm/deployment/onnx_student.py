"""ONNX export of a single-view skeleton classifier, checked against PyTorch.

The exported graph maps one view's clips ``keypoint [B, M, T, J, C]`` (B
clips of the same or different samples) to class probabilities
``scores [B, K]``; averaging them over a sample's clips is mmaction2's
``average_clips='prob'``.
"""
import io
import os.path as osp
import time
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import Tensor, nn

from mmaction.registry import MODELS
from ..models.distillers.teacher_utils import load_state_strict
from ..utils import atomic_write

OPSET = 17


class ClipScores(nn.Module):
    """``softmax(head(neck(backbone(x))))`` of a skeleton recognizer.

    Works for the KD-MVNet student (``MultiViewRecognizer`` with one view:
    backbone -> frame features -> EG-SSM -> classifier) and for mmaction2's
    ``RecognizerGCN`` (backbone -> ``GCNHead``), so both export and time the
    same way. No data preprocessor, no data-dependent indexing: a clean
    graph for tracing.
    """

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.model = recognizer
        self.is_multiview = hasattr(recognizer, 'frame_features')
        # Eval at the top too: the exporter restores the top module's mode
        # afterwards, recursively.
        self.eval()

    def forward(self, x: Tensor) -> Tensor:
        m = self.model
        if self.is_multiview:
            frames = m.frame_features(x)
            z = m.neck(frames)['z'] if m.neck is not None else frames.mean(1)
            logits = m.cls_head(z)
        else:
            feat = m.backbone(x)
            logits = m.cls_head(feat[-1] if isinstance(feat, tuple) else feat)
        return logits.softmax(dim=-1)


def deployable_model_cfg(cfg: Config) -> Dict:
    """The single-view model of a config: a distillation config's student,
    or the model itself (an extracted student or a plain mmaction2 one)."""
    model = cfg.model
    if 'student' in model:
        model = model.student
    return model.to_dict() if hasattr(model, 'to_dict') else dict(model)


def build_clip_scores(config, checkpoint: Optional[str]) -> ClipScores:
    """Build the deployable model of ``config`` and load ``checkpoint`` (an
    extracted student, a distillation checkpoint, or a plain one); missing
    or mismatching weights raise, naming the file and the keys."""
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(deployable_model_cfg(cfg))
    if checkpoint is not None:
        load_state_strict(
            model, checkpoint, ignore_prefixes=('dpvic.', ), what='student',
            prefix='student.')
    return ClipScores(model)


def input_shape(cfg: Config) -> Tuple[int, int, int, int]:
    """One clip's ``(M, T, J, C)`` from the test pipeline and the model:
    persons from ``FormatGCNInput``, frames from ``UniformSampleFrames``,
    joints and channels from the model's ``example_input``."""
    pipeline = cfg.test_dataloader.dataset.pipeline
    by_type = {t['type']: t for t in pipeline}
    if 'UniformSampleFrames' not in by_type:
        raise KeyError('test_dataloader.dataset.pipeline: no '
                       'UniformSampleFrames to give the clip length')
    T = by_type['UniformSampleFrames']['clip_len']
    M = by_type.get('FormatGCNInput', {}).get('num_person', 2)
    model = deployable_model_cfg(cfg)
    example = model.get('example_input')
    if example is None:
        raise KeyError('model.example_input is not set: pass the input '
                       'shape (M, T, J, C) explicitly')
    return M, T, example[2], example[3]


def export_onnx(module: ClipScores, shape: Sequence[int], out: str,
                opset: int = OPSET) -> None:
    """Trace ``module`` on zeros of ``(1,) + shape`` and write ``out`` (ONNX,
    batch axis dynamic); nothing is written when the export fails."""
    example = torch.zeros((1, ) + tuple(shape))
    buf = io.BytesIO()
    with torch.no_grad():
        # dynamo=False: the TorchScript exporter needs no onnxscript.
        torch.onnx.export(
            module, (example, ), buf, dynamo=False, opset_version=opset,
            input_names=['keypoint'], output_names=['scores'],
            dynamic_axes=dict(keypoint={0: 'clips'}, scores={0: 'clips'}))
    with atomic_write(out) as f:
        f.write(buf.getvalue())


def onnx_session(path: str):
    import onnxruntime as ort
    if not osp.isfile(path):
        raise FileNotFoundError(f'ONNX model {path} not found')
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = torch.get_num_threads()
    try:
        return ort.InferenceSession(
            path, opts, providers=['CPUExecutionProvider'])
    except Exception as e:  # onnxruntime raises its own exception types
        raise ValueError(f'{path}: not a loadable ONNX model ({e})') from e


def onnx_scores(session, x: np.ndarray) -> np.ndarray:
    return session.run(['scores'], {'keypoint': x.astype(np.float32)})[0]


def max_abs_diff(module: ClipScores, session, x: Tensor) -> float:
    with torch.no_grad():
        ref = module(x).numpy()
    return float(np.abs(ref - onnx_scores(session, x.numpy())).max())


def median_ms(fn: Callable[[], object], repeats: int = 20,
              warmup: int = 3) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000.0 * float(np.median(times))


def eager_latency_ms(module: nn.Module, x: Tensor, repeats: int = 20) -> float:
    with torch.inference_mode():
        return median_ms(lambda: module(x), repeats)


def onnx_latency_ms(session, x: np.ndarray, repeats: int = 20) -> float:
    x = x.astype(np.float32)
    return median_ms(lambda: onnx_scores(session, x), repeats)
