from .dual_prototype_loss import DualPrototypeLoss  # noqa: F401
from .fmrd_loss import FMRDLoss  # noqa: F401
from .soft_target_kl_loss import SoftTargetKLLoss  # noqa: F401
from .cross_view_simsiam_loss import CrossViewSimSiamLoss  # noqa: F401
from .binary_soft_target_kl_loss import BinarySoftTargetKLLoss  # noqa: F401
from .view_consistency_loss import ViewConsistencyLoss  # noqa: F401
from .cvcl_loss import CVCLLoss  # noqa: F401
from .cvkd_loss import CVKDLoss  # noqa: F401
