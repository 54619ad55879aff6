"""Pre-LN cross-attention block: queries from one modality, keys/values
from another."""
from typing import Optional

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class CrossModalAttention(BaseModule):
    """One ViCoKD cross-modal block (DESIGN.md §4, teacher)::

        y   = x_a + Attn(q = LN_q(x_a), k = v = LN_kv(x_b))
        out = y + FFN(LN_f(y))

    ``x_a [B, T_a, D]``: tokens of modality a (the queries, and the
    residual stream that is updated); ``x_b [B, T_b, D]``: tokens of
    modality b (keys and values). Attn is ``nn.MultiheadAttention`` with
    ``num_heads`` heads; FFN is Linear(D, ffn_ratio·D), GELU, Dropout,
    Linear back. So the output has a's shape and a's token order, and what
    it adds to a is a mixture of b's values. With ``x_b = x_a`` it is a
    plain pre-LN self-attention layer.

    Args:
        embed_dims: D.
        num_heads: attention heads (D must divide by it).
        ffn_ratio: hidden width of the FFN over D.
        dropout: on the attention weights and in the FFN.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int = 4,
                 ffn_ratio: float = 2.0,
                 dropout: float = 0.1,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims={embed_dims} must be divisible by '
                             f'num_heads={num_heads}')
        self.embed_dims = embed_dims
        self.norm_q = nn.LayerNorm(embed_dims)
        self.norm_kv = nn.LayerNorm(embed_dims)
        self.attn = nn.MultiheadAttention(
            embed_dims, num_heads, dropout=dropout, batch_first=True)
        hidden = int(round(embed_dims * ffn_ratio))
        self.norm_ffn = nn.LayerNorm(embed_dims)
        self.ffn = nn.Sequential(
            nn.Linear(embed_dims, hidden), nn.GELU(), nn.Dropout(dropout),
            nn.Linear(hidden, embed_dims), nn.Dropout(dropout))

    def forward(self,
                x_a: Tensor,
                x_b: Tensor,
                return_weights: bool = False,
                key_padding_mask: Optional[Tensor] = None):
        """``x_a [B, T_a, D]`` attends to ``x_b [B, T_b, D]``.

        Returns ``[B, T_a, D]``, and the head-averaged attention weights
        ``[B, T_a, T_b]`` with ``return_weights``.
        """
        if x_a.dim() != 3 or x_b.dim() != 3 or \
                x_a.shape[-1] != self.embed_dims or \
                x_b.shape[-1] != self.embed_dims or \
                x_a.shape[0] != x_b.shape[0]:
            raise ValueError(
                f'CrossModalAttention expects x_a [B, T_a, {self.embed_dims}]'
                f' and x_b [B, T_b, {self.embed_dims}], got '
                f'{tuple(x_a.shape)} and {tuple(x_b.shape)}')
        kv = self.norm_kv(x_b)
        att, w = self.attn(
            self.norm_q(x_a), kv, kv, key_padding_mask=key_padding_mask,
            need_weights=return_weights)
        y = x_a + att
        y = y + self.ffn(self.norm_ffn(y))
        return (y, w) if return_weights else y
