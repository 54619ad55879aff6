from .cross_modal_adapter import CrossModalAdapter
from .cross_modal_attention import CrossModalAttention

__all__ = ['CrossModalAdapter', 'CrossModalAttention']
