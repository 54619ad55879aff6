"""Classifier on a pooled embedding: LayerNorm, Dropout, Linear."""
from typing import Dict, List, Union

import torch
from torch import nn

from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS


@MODELS.register_module()
class EmbeddingClsHead(BaseHead):
    """``scores = W · Dropout(LayerNorm(z)) + b`` for an embedding ``z [N, D]``.

    The KD-MVNet classifier (DESIGN.md §2). Losses, top-k training accuracy,
    label smoothing and multi-clip averaging are mmaction2's ``BaseHead``.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 dropout: float = 0.5,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 average_clips: str = 'prob',
                 init_cfg: Union[Dict, List[Dict]] = dict(
                     type='TruncNormal', layer='Linear', std=0.02),
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            init_cfg=init_cfg,
            **kwargs)
        self.norm = nn.LayerNorm(in_channels)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            raise ValueError(f'EmbeddingClsHead expects [N, {self.in_channels}]'
                             f', got {tuple(x.shape)}')
        return self.fc(self.dropout(self.norm(x)))
