from itertools import combinations
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class CrossViewSimSiamLoss(BaseModule):
    """CMMVL's contrastive term between the view students (DESIGN.md §3).

    For the backbone features ``h_v`` of the V views of one recording and
    the predictor outputs ``p_v = MLP(h_v)`` (SimSiam: Linear, BN, ReLU,
    Linear)::

        loss = λ · mean_n Σ_{i<j valid} CL(i, j),
        CL(i, j) = ½·D(p_i, sg(h_j)) + ½·D(p_j, sg(h_i)),
        D(p, h) = −cos(p, h)

    with ``sg`` the stop-gradient and λ = ``loss_weight`` (0.005). Pairs
    involve only the views a recording has (``view_mask``); a recording with
    one view adds 0 (and stays out of the predictor's BatchNorm), and the
    mean runs over all N recordings.

    Args:
        in_channels (int): width of ``h``.
        hidden_channels (int): predictor bottleneck. Defaults to in/4 as in
            SimSiam (at least 8).
        loss_weight (float): λ. Defaults to 0.005.
    """

    def __init__(self,
                 in_channels: int,
                 hidden_channels: Optional[int] = None,
                 loss_weight: float = 0.005,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        hidden = hidden_channels or max(in_channels // 4, 8)
        self.in_channels = in_channels
        self.loss_weight = loss_weight
        self.predictor = nn.Sequential(
            nn.Linear(in_channels, hidden, bias=False), nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True), nn.Linear(hidden, in_channels))

    @staticmethod
    def neg_cos(p: Tensor, h: Tensor) -> Tensor:
        """``D(p, sg(h)) = −cos(p, h)`` per row."""
        return -F.cosine_similarity(p, h.detach(), dim=-1)

    def forward(self, feats: Tensor, view_mask: Tensor) -> Tensor:
        """Args:
            feats (Tensor): ``[N, V, C]`` backbone features (pooled).
            view_mask (Tensor): ``[N, V]`` bool, the views present.

        Returns:
            Tensor: the weighted scalar loss.
        """
        N, V, C = feats.shape
        if C != self.in_channels:
            raise ValueError(f'CrossViewSimSiamLoss: features have {C} '
                             f'channels, in_channels={self.in_channels}')
        mask = view_mask.to(device=feats.device, dtype=torch.bool)
        # views in a pair: a recording with one view takes no part, not even
        # in the predictor's BatchNorm statistics
        mask = mask & (mask.sum(1, keepdim=True) >= 2)
        total = feats.sum() * 0.0
        if not bool(mask.any()):
            return total
        flat = feats.reshape(N * V, C)
        valid = mask.reshape(-1)
        p = flat.new_zeros(flat.shape)
        p[valid] = self.predictor(flat[valid])
        p = p.reshape(N, V, C)
        for i, j in combinations(range(V), 2):
            both = (mask[:, i] & mask[:, j]).to(feats.dtype)
            cl = 0.5 * self.neg_cos(p[:, i], feats[:, j]) + \
                0.5 * self.neg_cos(p[:, j], feats[:, i])
            total = total + (cl * both).sum()
        return self.loss_weight * total / N
