"""Maps an available modality's tokens into a missing modality's space."""
from typing import Sequence, Union

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS
from .cross_modal_attention import CrossModalAttention
from .cross_modal_utils import sinusoidal_positions


@MODELS.register_module()
class CrossModalAdapter(BaseModule):
    """ViCoKD's cross-modal adapter (DESIGN.md §4, student).

    Given the student's tokens of its available modalities ``x_a [B, T, D]``
    (one tensor, or a list whose tokens are pooled as keys), it predicts the
    tokens the missing modality b would have at the same frames::

        h_0 = x̄_a + P                       (P: sine time codes)
        h_l = Block_l(h_{l-1}, [x_a + P])   (CrossModalAttention, l = 1..L)
        x̂_b = W · LN(h_L) + c               ([B, T, D])

    where ``x̄_a`` is the mean of the available modalities' tokens and
    ``[x_a + P]`` their concatenation along time (with one available
    modality the blocks are self-attention over it). Training pulls ``x̂_b``
    to the teacher's real tokens of b (feature distillation in
    :class:`ViCoKDDistiller`), so the student's cross-modal blocks can run
    with ``x̂_b`` standing in for b.

    Args:
        embed_dims: D, the token width of both modalities.
        num_layers: L attention blocks.
        num_heads / ffn_ratio / dropout: of each block.
    """

    def __init__(self,
                 embed_dims: int,
                 num_layers: int = 1,
                 num_heads: int = 4,
                 ffn_ratio: float = 2.0,
                 dropout: float = 0.0,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        self.embed_dims = embed_dims
        self.blocks = nn.ModuleList([
            CrossModalAttention(embed_dims, num_heads, ffn_ratio, dropout)
            for _ in range(num_layers)
        ])
        self.norm = nn.LayerNorm(embed_dims)
        self.out = nn.Linear(embed_dims, embed_dims)

    def forward(self, x_a: Union[Tensor, Sequence[Tensor]]) -> Tensor:
        xs = [x_a] if isinstance(x_a, Tensor) else list(x_a)
        if not xs or any(x.dim() != 3 or x.shape[-1] != self.embed_dims
                         or x.shape[:2] != xs[0].shape[:2] for x in xs):
            raise ValueError(
                'CrossModalAdapter expects tokens [B, T, '
                f'{self.embed_dims}] of equal B and T, got '
                f'{[tuple(x.shape) for x in xs]}')
        pos = sinusoidal_positions(xs[0].shape[1], self.embed_dims,
                                   xs[0].device, xs[0].dtype)
        kv = torch.cat([x + pos for x in xs], dim=1)
        h = torch.stack(xs).mean(0) + pos
        for blk in self.blocks:
            h = blk(h, kv)
        return self.out(self.norm(h))
