from . import metrics  # noqa: F401
from .fusion import fuse_scores, fusion_report, load_predictions

__all__ = ['fuse_scores', 'fusion_report', 'load_predictions']
