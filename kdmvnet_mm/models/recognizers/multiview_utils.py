"""Shape helpers shared by the multi-view recognizer and the distillers."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

# Backbone output layouts: which axes are channels and time; every other
# non-batch axis is pooled.
FEAT_LAYOUTS = {
    'NMCTV': (2, 3),  # mmaction2 GCN backbones: [N, M, C, T, V]
    'NCTHW': (1, 2),  # 3D CNNs: [N, C, T, H, W]
}


def pool_to_frames(feat: Tensor, layout: str) -> Tensor:
    """Average a backbone output over persons / joints / space: ``[N, T, C]``."""
    c_ax, t_ax = FEAT_LAYOUTS[layout]
    if feat.dim() != len(layout):
        raise ValueError(f'backbone output {tuple(feat.shape)} does not have '
                         f'layout {layout}')
    other = [d for d in range(1, feat.dim()) if d not in (c_ax, t_ax)]
    x = feat.mean(dim=other, keepdim=True) if other else feat
    x = x.reshape(x.shape[0], x.shape[c_ax], x.shape[t_ax])
    return x.transpose(1, 2)


def split_inputs(inputs: Tensor, data_samples: List) -> Tuple[Tensor, Tensor,
                                                              int]:
    """Bring a batch to ``[N·nc, V, ...]`` with its view mask ``[N·nc, V]``.

    ``MultiViewPoseDataset`` gives 7-D ``[N, nc, V, M, T, J, C]`` with a
    ``view_mask`` per sample; mmaction2's ``PoseDataset`` gives 6-D
    ``[N, nc, M, T, J, C]``, one view. Returns the inputs, the mask and nc.
    """
    if inputs.dim() == 7:
        n, nc, v = inputs.shape[:3]
        x = inputs.reshape((n * nc, v) + inputs.shape[3:])
        if data_samples is not None and len(data_samples) and \
                'view_mask' in data_samples[0]:
            mask = torch.stack([ds.view_mask for ds in data_samples])
            mask = mask.to(device=inputs.device, dtype=torch.bool)
        else:
            mask = torch.ones(n, v, dtype=torch.bool, device=inputs.device)
        mask = mask.repeat_interleave(nc, dim=0)
        return x, mask, nc
    if inputs.dim() == 6:
        n, nc = inputs.shape[:2]
        x = inputs.reshape((n * nc, 1) + inputs.shape[2:])
        mask = torch.ones(n * nc, 1, dtype=torch.bool, device=inputs.device)
        return x, mask, nc
    raise ValueError('expected inputs [N, nc, V, M, T, J, C] (multi-view) or '
                     f'[N, nc, M, T, J, C] (one view), got {tuple(inputs.shape)}')


def masked_view_mean(x: Tensor, mask: Tensor) -> Tensor:
    """Mean over the valid views: ``x [N, V, ...]``, ``mask [N, V]``."""
    w = mask.to(x.dtype).reshape(mask.shape + (1, ) * (x.dim() - 2))
    return (x * w).sum(1) / w.sum(1).clamp(min=1)


def merge_loss_weights(defaults: Dict, given: Optional[Dict]) -> Dict:
    """``defaults`` updated by the config's ``loss_weights``; a key that is
    not a known term raises (a typo would silently weigh nothing)."""
    unknown = set(given or {}) - set(defaults)
    if unknown:
        raise KeyError(f'unknown loss_weights {sorted(unknown)}; known: '
                       f'{sorted(defaults)}')
    return dict(defaults, **(given or {}))
