"""The bidirectional GRU skeleton encoder of CMD / MMCV."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class BIGRU(BaseModule):
    """Multi-layer bidirectional GRU over the frames of a skeleton clip
    (DESIGN.md §5; the encoder of CMD and MMCV: 3 layers, hidden 1024).

    A clip ``x [N, M, T, V, C]`` (mmaction2's GCN layout) is read frame by
    frame, every frame flattened to ``x_t ∈ R^{M·V·C}`` (persons, joints,
    channels), and::

        h_t = [GRU→(x_1..x_t) ; GRU←(x_t..x_T)] ∈ R^{2H}
        f   = (1/T) Σ_t h_t

    the temporal mean of the last layer's outputs, ``[N, 2H]``. With
    ``scale_input`` every clip is first divided by its own standard
    deviation, ``x ← x / max(std(x), ε)`` (no statistics to learn, so a
    random and a pretrained encoder see the same inputs): a motion stream
    (frame differences) is about 100× smaller than the joints, and a GRU
    fed such inputs gives nearly the same features for every clip.

    Args:
        in_channels: ``C``, channels per joint.
        num_joints: ``V``. num_person: ``M``.
        hidden_channels: ``H``. num_layers: GRU layers.
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_joints: int = 25,
                 num_person: int = 2,
                 hidden_channels: int = 1024,
                 num_layers: int = 3,
                 scale_input: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.num_joints = num_joints
        self.num_person = num_person
        self.out_channels = 2 * hidden_channels
        self.scale_input = scale_input
        self.gru = nn.GRU(
            num_person * num_joints * in_channels,
            hidden_channels,
            num_layers,
            batch_first=True,
            bidirectional=True)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 5 or tuple(x.shape[i] for i in (1, 3, 4)) != (
                self.num_person, self.num_joints, self.in_channels):
            raise ValueError(
                f'BIGRU: inputs must be [N, M={self.num_person}, T, '
                f'V={self.num_joints}, C={self.in_channels}], got '
                f'{tuple(x.shape)}')
        n, m, t, v, c = x.shape
        if self.scale_input:
            std = x.flatten(1).std(dim=1).clamp_min(1e-6)
            x = x / std.view(n, 1, 1, 1, 1)
        seq = x.permute(0, 2, 1, 3, 4).reshape(n, t, m * v * c)
        out, _ = self.gru(seq)
        return torch.mean(out, dim=1)
