"""Helpers shared by the cross-modal attention blocks and ViCoKD models."""
import math

import torch
from torch import Tensor


def sinusoidal_positions(length: int, dims: int, device=None,
                         dtype=torch.float32) -> Tensor:
    """Fixed sine/cosine time codes ``[length, dims]`` (Vaswani et al.).

    Fixed rather than learned so any clip length works, including test
    clips longer than the training ones.
    """
    pos = torch.arange(length, device=device, dtype=dtype)[:, None]
    half = (dims + 1) // 2
    freq = torch.exp(
        torch.arange(half, device=device, dtype=dtype) *
        (-math.log(10000.0) / max(half, 1)))
    ang = pos * freq[None]
    out = torch.zeros(length, 2 * half, device=device, dtype=dtype)
    out[:, 0::2] = torch.sin(ang)
    out[:, 1::2] = torch.cos(ang)
    return out[:, :dims]
