from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS


@MODELS.register_module()
class FMRDLoss(BaseModule):
    """Feature-space Multi-view Reconstruction Distillation (FMRD).

    From the single-view student embedding ``z_S`` and the teacher's per-view
    embeddings ``z_v`` (detached) of the same recording, with valid views
    ``v ∈ M_b`` of sample b:

    - consensus ``c_b = mean_{v ∈ M_b} z_v``;
    - anchor ``loss_anchor = anchor_weight · mean_b (1 − cos(align(z_S), c_b))``,
      where ``align`` is a Linear D_s → D_t when the widths differ and the
      identity otherwise;
    - reconstruction ``r̂_v = γ_v ⊙ (W z_S) + β_v``, ``ẑ_v = c + r̂_v``,
      ``loss_recon = recon_weight · mean_{b, v ∈ M_b} (1 − cos(ẑ_v, z_v))``,
      with a shared ``W`` (Linear D_s → D_t, no bias) and per-view ``γ_v``,
      ``β_v`` indexed by camera id (``view_ids`` gives the id of each row).

    "Centred across views" is read as: the per-view parameters are deviations
    from a common value, ``γ_v = 1 + γ^raw_v − mean_u γ^raw_u`` and
    ``β_v = β^raw_v − mean_u β^raw_u`` (raw parameters start at 0), so the
    views share the mean scale 1 and mean shift 0 and only their differences
    are view-specific.

    Sequences: with teacher ``z_t [B, V_t, T_t, D_t]`` and student
    ``z_s [B, T_s, D_s]``, the teacher is resampled in time to ``T_s``
    (``F.interpolate``, linear, ``align_corners=False``) and both terms are
    also averaged over time. Samples without a valid view are left out.
    Camera ids of invalid (masked) slots are not checked.

    Args:
        student_channels (int): D_s. Defaults to 256.
        teacher_channels (int): D_t. Defaults to 256.
        view_ids (Sequence[int]): camera ids, one row of γ, β each.
            Defaults to (1, 2, 3).
        anchor_weight (float): Defaults to 1.0.
        recon_weight (float): Defaults to 1.0.
    """

    def __init__(self,
                 student_channels: int = 256,
                 teacher_channels: int = 256,
                 view_ids: Sequence[int] = (1, 2, 3),
                 anchor_weight: float = 1.0,
                 recon_weight: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        view_ids = [int(v) for v in view_ids]
        if not view_ids or len(set(view_ids)) != len(view_ids) \
                or min(view_ids) < 0:
            raise ValueError('view_ids must be distinct non-negative camera '
                             f'ids, got {view_ids}')
        self.view_ids = tuple(view_ids)
        self.anchor_weight = anchor_weight
        self.recon_weight = recon_weight
        self.align = (
            nn.Linear(student_channels, teacher_channels)
            if student_channels != teacher_channels else nn.Identity())
        self.W = nn.Linear(student_channels, teacher_channels, bias=False)
        V = len(view_ids)
        self.gamma_raw = nn.Parameter(torch.zeros(V, teacher_channels))
        self.beta_raw = nn.Parameter(torch.zeros(V, teacher_channels))
        lut = torch.full((max(view_ids) + 1, ), -1, dtype=torch.long)
        lut[torch.tensor(view_ids)] = torch.arange(V)
        self.register_buffer('_row_of_id', lut, persistent=False)

    def _rows(self, view_ids: Tensor, view_mask: Tensor) -> Tensor:
        ids = view_ids.long()
        known = (ids >= 0) & (ids < len(self._row_of_id))
        rows = self._row_of_id[ids.clamp(0, len(self._row_of_id) - 1)]
        known &= rows >= 0
        bad = view_mask & ~known
        if bool(bad.any()):
            raise ValueError(f'unknown camera id {int(ids[bad][0])}; '
                             f'FMRDLoss knows view_ids={list(self.view_ids)}')
        return rows.clamp(min=0)  # masked slots: any row, ignored later

    def forward(self, z_s: Tensor, z_t: Tensor, view_mask: Tensor,
                view_ids: Tensor) -> Dict[str, Tensor]:
        """Args:
            z_s (Tensor): ``[B, D_s]`` or ``[B, T_s, D_s]``.
            z_t (Tensor): ``[B, V_t, D_t]`` or ``[B, V_t, T_t, D_t]``.
            view_mask (Tensor): ``[B, V_t]`` bool, valid teacher views.
            view_ids (Tensor): ``[B, V_t]`` long, camera id of each view.

        Returns:
            dict: ``loss_anchor`` and ``loss_recon`` (weighted scalars).
        """
        z_t = z_t.detach()
        if z_s.dim() == 2 and z_t.dim() == 3:
            z_s, z_t = z_s.unsqueeze(1), z_t.unsqueeze(2)
        elif z_s.dim() == 3 and z_t.dim() == 4:
            B, V, T_t, D_t = z_t.shape
            if T_t != z_s.shape[1]:
                z_t = F.interpolate(
                    z_t.reshape(B * V, T_t, D_t).transpose(1, 2),
                    size=z_s.shape[1],
                    mode='linear',
                    align_corners=False).transpose(1, 2).reshape(
                        B, V, z_s.shape[1], D_t)
        else:
            raise ValueError(
                'expected pooled z_s [B, D_s] with z_t [B, V_t, D_t], or '
                'sequences z_s [B, T_s, D_s] with z_t [B, V_t, T_t, D_t]; '
                f'got {tuple(z_s.shape)} and {tuple(z_t.shape)}')
        view_mask = view_mask.to(device=z_t.device, dtype=torch.bool)
        rows = self._rows(view_ids.to(z_t.device), view_mask)

        # From here z_s: [B, T, D_s], z_t: [B, V, T, D_t].
        has_view = view_mask.any(1)
        if not bool(has_view.any()):
            zero = z_s.sum() * 0.0  # no teacher view: nothing to distil
            return dict(loss_anchor=zero, loss_recon=zero)
        m = view_mask.to(z_t.dtype)[..., None, None]
        c = (z_t * m).sum(1) / m.sum(1).clamp(min=1.0)  # [B, T, D_t]
        anchor = 1.0 - F.cosine_similarity(self.align(z_s), c, dim=-1)
        loss_anchor = anchor[has_view].mean()

        gamma = 1.0 + self.gamma_raw - self.gamma_raw.mean(0)
        beta = self.beta_raw - self.beta_raw.mean(0)
        wz = self.W(z_s)  # [B, T, D_t]
        z_hat = c.unsqueeze(1) + gamma[rows].unsqueeze(2) * wz.unsqueeze(1) \
            + beta[rows].unsqueeze(2)
        recon = 1.0 - F.cosine_similarity(z_hat, z_t, dim=-1)  # [B, V, T]
        loss_recon = recon[view_mask].mean()
        return dict(
            loss_anchor=self.anchor_weight * loss_anchor,
            loss_recon=self.recon_weight * loss_recon)
