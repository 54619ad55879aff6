import math
from typing import Dict, Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmaction.registry import MODELS
from .egssm_utils import GatedDiagSSMLayer, diag_scan_loop, diag_scan_parallel

_SCANS = dict(parallel=diag_scan_parallel, loop=diag_scan_loop)


@MODELS.register_module()
class EGSSM(BaseModule):
    """Event-Gated State-Space Model (EG-SSM), a temporal neck.

    Computes, for frame features ``x: [B, T, D]`` (B = batch·views):

    - gate per frame ``g_t = sigmoid(Linear(LayerNorm(x_t)))``, with the
      Linear's bias set to logit(``gate_init``) and zero weight, so every gate
      starts at ``gate_init`` (0.3); a frame is an "event" when it opens;
    - ``num_layers`` pre-LayerNorm residual layers ``x ← x + Linear_out(
      Dropout(GELU(SSM(Linear_in(LN(x))))))`` followed by a final LayerNorm;
    - the SSM is diagonal and MIMO (S5-style: one state ``h ∈ R^N`` driven by
      all H input channels, rather than H independent SISO SSMs):
      ``A = −exp(A_log)``, ``A_log`` initialised to log(1..N); per-state step
      ``dt`` log-uniform in [dt_min, dt_max]; ``Ā = exp(A·dt)``,
      ``B̄ = ((Ā − 1)/A)·B`` with ``B ∈ R^{N×H}``; the input term is scaled by
      the gate, the same ``g`` in every layer:
      ``h_t = Ā ⊙ h_{t−1} + g_t · B̄ u_t``, ``y_t = C h_t + D ⊙ u_t``,
      ``h_{−1} = 0``, ``C ∈ R^{H×N}``, ``D ∈ R^H`` starting at 0;
    - gate-weighted pooling ``z = Σ_t g_t y_t / (Σ_t g_t + 1e-6)``.

    The recurrence is linear in ``h``, so ``scan='parallel'`` runs it as a
    Hillis–Steele associative scan (log2 T vectorised steps);
    ``scan='loop'`` is the plain reference loop.

    Args:
        in_channels (int): D. Defaults to 256.
        hidden_channels (int): H. Defaults to 512.
        state_dim (int): N. Defaults to 256.
        num_layers (int): Residual SSM layers. Defaults to 2.
        dropout (float): Dropout after GELU. Defaults to 0.1.
        gate_init (float): Initial gate value. Defaults to 0.3.
        dt_min (float): Defaults to 1e-3.
        dt_max (float): Defaults to 1e-1.
        rate_target (float): Target mean gate of :meth:`gate_losses`.
            Defaults to 0.3.
        scan (str): ``'parallel'`` or ``'loop'``. Defaults to 'parallel'.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int = 256,
                 hidden_channels: int = 512,
                 state_dim: int = 256,
                 num_layers: int = 2,
                 dropout: float = 0.1,
                 gate_init: float = 0.3,
                 dt_min: float = 1e-3,
                 dt_max: float = 1e-1,
                 rate_target: float = 0.3,
                 scan: str = 'parallel',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if scan not in _SCANS:
            raise ValueError(f"scan must be one of {sorted(_SCANS)}, "
                             f"got {scan!r}")
        if not 0.0 < gate_init < 1.0:
            raise ValueError(f'gate_init must lie in (0, 1), got {gate_init}')
        self.in_channels = in_channels
        self.gate_init = gate_init
        self.rate_target = rate_target
        self.scan = scan
        self.gate_norm = nn.LayerNorm(in_channels)
        self.gate_fc = nn.Linear(in_channels, 1)
        self.layers = nn.ModuleList(
            GatedDiagSSMLayer(in_channels, hidden_channels, state_dim,
                              dropout, dt_min, dt_max)
            for _ in range(num_layers))
        self.norm = nn.LayerNorm(in_channels)
        self._reset_gate()

    def _reset_gate(self) -> None:
        nn.init.zeros_(self.gate_fc.weight)
        nn.init.constant_(self.gate_fc.bias,
                          math.log(self.gate_init / (1.0 - self.gate_init)))

    def init_weights(self) -> None:
        super().init_weights()
        if self.init_cfg is None:
            # A parent's generic init_cfg (e.g. Kaiming on every Linear) must
            # not erase the gate bias logit(gate_init) or the SSM's A/dt init.
            self._reset_gate()
            for layer in self.layers:
                layer.reset_ssm_parameters()

    def _check_input(self, x: Tensor) -> None:
        if x.dim() != 3 or x.shape[-1] != self.in_channels:
            raise ValueError(
                f'EGSSM expects x of shape [B, T, {self.in_channels}] '
                f'(in_channels={self.in_channels}), got {tuple(x.shape)}')

    def _gate(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.gate_fc(self.gate_norm(x))).squeeze(-1)

    def forward(self, x: Tensor) -> Dict[str, Tensor]:
        """Args:
            x (Tensor): ``[B, T, D]`` frame features.

        Returns:
            dict: ``z [B, D]`` pooled embedding, ``y [B, T, D]`` sequence
            output, ``gate [B, T]`` per-frame gates.
        """
        self._check_input(x)
        g = self._gate(x)
        scan = _SCANS[self.scan]
        y = x
        for layer in self.layers:
            y = layer(y, g, scan)
        y = self.norm(y)
        w = g.unsqueeze(-1)
        z = (w * y).sum(1) / (w.sum(1) + 1e-6)
        return dict(z=z, y=y, gate=g)

    @torch.no_grad()
    def export_gates(self, x: Tensor) -> Tensor:
        """Per-frame gates ``g [B, T]`` for inspection (no autograd)."""
        self._check_input(x)
        return self._gate(x)

    def gate_losses(self,
                    gate: Tensor,
                    view_mask: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Unweighted gate regularisers (the recognizer applies weights).

        With ``g: [B', T]`` and, when ``view_mask [N, V]`` is given, rows
        ordered recording-major (``B' = N·V``, the V views of a recording
        adjacent):

        - ``loss_rate = mean_i (mean_t g_it − rate_target)²``;
        - ``loss_smooth = mean_{i,t} |g_it − g_i(t−1)|`` (0 when T = 1);
        - ``loss_sync``: per recording n with ≥ 2 valid views, the population
          variance across its valid views ``σ²_nt = mean_v (g_nvt − ḡ_nt)²``,
          averaged over t, then over those recordings; 0 when there is none
          (or no ``view_mask``).

        Choice: with a ``view_mask``, padded (invalid) views are excluded
        from rate and smooth as well, since their gates carry no data.

        Returns:
            dict: ``loss_rate``, ``loss_smooth``, ``loss_sync`` (scalars).
        """
        if gate.dim() != 2:
            raise ValueError(f'gate must be [B, T], got {tuple(gate.shape)}')
        zero = gate.sum() * 0.0  # keeps the graph and dtype for empty terms
        rows = gate
        if view_mask is not None:
            N, V = view_mask.shape
            if gate.shape[0] != N * V:
                raise ValueError(
                    f'gate has {gate.shape[0]} rows but view_mask '
                    f'{tuple(view_mask.shape)} implies N·V = {N * V}')
            view_mask = view_mask.to(device=gate.device, dtype=torch.bool)
            rows = gate[view_mask.reshape(-1)]
        if rows.shape[0] == 0:
            loss_rate = loss_smooth = zero
        else:
            loss_rate = ((rows.mean(1) - self.rate_target)**2).mean()
            loss_smooth = ((rows[:, 1:] - rows[:, :-1]).abs().mean()
                           if rows.shape[1] > 1 else zero)
        loss_sync = zero
        if view_mask is not None:
            g = gate.reshape(N, V, -1)
            m = view_mask.unsqueeze(-1).to(gate.dtype)
            cnt = m.sum(1).clamp(min=1.0)
            mean = (g * m).sum(1, keepdim=True) / cnt.unsqueeze(1)
            var = ((g - mean)**2 * m).sum(1) / cnt  # [N, T]
            multi = view_mask.sum(1) >= 2
            if bool(multi.any()):
                loss_sync = var[multi].mean()
        return dict(
            loss_rate=loss_rate, loss_smooth=loss_smooth, loss_sync=loss_sync)
