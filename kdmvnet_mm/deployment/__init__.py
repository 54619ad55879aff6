from .onnx_student import (OPSET, ClipScores, build_clip_scores,
                           deployable_model_cfg, eager_latency_ms, export_onnx,
                           input_shape, max_abs_diff, median_ms,
                           onnx_latency_ms, onnx_scores, onnx_session)

__all__ = [
    'OPSET', 'ClipScores', 'build_clip_scores', 'deployable_model_cfg',
    'eager_latency_ms', 'export_onnx', 'input_shape', 'max_abs_diff',
    'median_ms', 'onnx_latency_ms', 'onnx_scores', 'onnx_session'
]
