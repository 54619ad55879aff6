"""Scans and the residual SSM layer used by :class:`EGSSM`.

Both functions compute ``h_t = a_t ⊙ h_{t−1} + b_t`` with ``h_{−1} = 0`` for
``a, b: [B, T, N]``; ``a`` may also be ``[1, T, N]`` (a time-invariant ``Ā``
shared by the batch), which broadcasts and saves memory.
"""
import math
from typing import Callable, Tuple

import torch
from torch import Tensor, nn


def _check(a: Tensor, b: Tensor) -> None:
    if b.dim() != 3 or a.dim() != 3:
        raise ValueError('scan expects a, b of shape [B, T, N], got '
                         f'{tuple(a.shape)} and {tuple(b.shape)}')
    if a.shape[1:] != b.shape[1:] or a.shape[0] not in (1, b.shape[0]):
        raise ValueError(f'a {tuple(a.shape)} does not broadcast to '
                         f'b {tuple(b.shape)}')


def diag_scan_parallel(a: Tensor, b: Tensor) -> Tensor:
    """Hillis–Steele inclusive scan of ``(a1, b1) ∘ (a2, b2) = (a1·a2,
    a2·b1 + b2)``: ceil(log2 T) vectorised steps over the whole sequence.

    Only products of the ``a_t`` are formed (never divisions by them, nor
    exponentials of cumulative sums), so ``a`` in (0, 1) underflows towards
    0 gracefully and long sequences stay finite.

    Returns:
        Tensor: ``h`` of shape ``[B, T, N]``.
    """
    _check(a, b)
    T = b.shape[1]
    d = 1
    # Out-of-place under autograd, and when traced for ONNX export (whose
    # exporter would have to turn the in-place slice updates into scatters).
    if (torch.is_grad_enabled() and (a.requires_grad or b.requires_grad)) \
            or torch.jit.is_tracing() or torch.onnx.is_in_onnx_export():
        while d < T:
            # Out-of-place (cat) so autograd keeps every step's operands.
            b = torch.cat([b[:, :d], a[:, d:] * b[:, :-d] + b[:, d:]], dim=1)
            a = torch.cat([a[:, :d], a[:, d:] * a[:, :-d]], dim=1)
            d *= 2
        return b
    # Without autograd, update copies in place: the same steps, but no
    # fresh [B, T, N] allocations per step (several times faster on CPU).
    a, b = a.clone(), b.clone()
    while d < T:
        b[:, d:] += a[:, d:] * b[:, :-d]  # product is a temporary: no alias
        a[:, d:] = a[:, d:] * a[:, :-d]
        d *= 2
    return b


def diag_scan_loop(a: Tensor, b: Tensor) -> Tensor:
    """Reference: the recurrence as a plain Python loop over ``t``.

    Returns:
        Tensor: ``h`` of shape ``[B, T, N]``.
    """
    _check(a, b)
    h = torch.zeros_like(b[:, 0])
    out = []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)


class GatedDiagSSMLayer(nn.Module):
    """One pre-LayerNorm residual layer of :class:`EGSSM`.

    ``u = Linear_in(LN(x))``, then the gated diagonal SSM
    ``h_t = Ā ⊙ h_{t−1} + g_t · B̄ u_t``, ``y_t = C h_t + D ⊙ u_t``, then
    ``x + Linear_out(Dropout(GELU(y)))``.

    Args:
        channels (int): D, width of the residual stream.
        hidden_channels (int): H, width of ``u``.
        state_dim (int): N, size of the state ``h``.
        dropout (float): Dropout after GELU.
        dt_min, dt_max (float): range of the log-uniform initial step.
    """

    def __init__(self, channels: int, hidden_channels: int, state_dim: int,
                 dropout: float, dt_min: float, dt_max: float) -> None:
        super().__init__()
        self.dt_min, self.dt_max = dt_min, dt_max
        self.norm = nn.LayerNorm(channels)
        self.proj_in = nn.Linear(channels, hidden_channels)
        self.A_log = nn.Parameter(torch.empty(state_dim))
        self.log_dt = nn.Parameter(torch.empty(state_dim))
        self.B = nn.Parameter(torch.empty(state_dim, hidden_channels))
        self.C = nn.Parameter(torch.empty(hidden_channels, state_dim))
        self.D = nn.Parameter(torch.empty(hidden_channels))
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)
        self.proj_out = nn.Linear(hidden_channels, channels)
        self.reset_ssm_parameters()

    def reset_ssm_parameters(self) -> None:
        """A_log = log(1..N), log dt ~ U(log dt_min, log dt_max), B and C
        LeCun-normal (std 1/sqrt(fan_in)), D = 0."""
        N, H = self.B.shape
        with torch.no_grad():
            self.A_log.copy_(
                torch.log(torch.arange(1, N + 1, dtype=self.A_log.dtype)))
            self.log_dt.uniform_(math.log(self.dt_min), math.log(self.dt_max))
            self.B.normal_(0.0, H**-0.5)
            self.C.normal_(0.0, N**-0.5)
            self.D.zero_()

    def discretise(self) -> Tuple[Tensor, Tensor]:
        """Zero-order hold: ``Ā = exp(A·dt)``, ``B̄ = ((Ā − 1)/A)[:, None]·B``.

        Returns:
            tuple: ``Ā [N]`` and ``B̄ [N, H]``.
        """
        A = -torch.exp(self.A_log)
        Adt = A * torch.exp(self.log_dt)
        # expm1 keeps (Ā − 1)/A ≈ dt accurate when A·dt is tiny. ONNX has
        # no expm1; expm1(x) = 2·tanh(x/2) / (1 − tanh(x/2)) is exact and as
        # accurate for x < 0.
        if torch.onnx.is_in_onnx_export():
            t = torch.tanh(Adt / 2)
            em1 = 2 * t / (1 - t)
        else:
            em1 = torch.expm1(Adt)
        return torch.exp(Adt), (em1 / A)[:, None] * self.B

    def forward(self, x: Tensor, g: Tensor, scan: Callable) -> Tensor:
        """x: [B, T, D], g: [B, T] → [B, T, D]."""
        u = self.proj_in(self.norm(x))
        a_bar, b_bar = self.discretise()
        b = g.unsqueeze(-1) * (u @ b_bar.t())
        a = a_bar.expand(b.shape[1], -1).unsqueeze(0)
        # Scan in the parameters' precision: under AMP the matmul gives
        # fp16, too coarse for a long recurrence.
        y = scan(a, b.to(a.dtype)) @ self.C.t() + self.D * u
        return x + self.proj_out(self.drop(self.act(y)))
