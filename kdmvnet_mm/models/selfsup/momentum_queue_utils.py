"""Encoders with a projection, and the index-aligned key queues of
:class:`CrossViewMutualLearner`."""
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from mmengine.dist import all_gather, get_world_size
from torch import Tensor, nn

from mmaction.registry import MODELS
from ..backbones.stream_utils import pool_features


class ProjectedEncoder(nn.Module):
    """``z = normalize(g(pool(backbone(x))))``: a backbone, pooled to
    ``[N, feat_dim]``, and a projection ``g`` to ``embed_dim`` (one fc, or
    fc–ReLU–fc with ``mlp``, as MoCo v2 / CMD's ``--mlp``)."""

    def __init__(self, backbone: Dict, feat_dim: int, embed_dim: int,
                 mlp: bool = False) -> None:
        super().__init__()
        self.backbone = MODELS.build(backbone)
        if mlp:
            self.projection = nn.Sequential(
                nn.Linear(feat_dim, feat_dim), nn.ReLU(inplace=True),
                nn.Linear(feat_dim, embed_dim))
        else:
            self.projection = nn.Linear(feat_dim, embed_dim)
        self.feat_dim = feat_dim

    def forward(self, x: Tensor) -> Tensor:
        f = pool_features(self.backbone(x))
        if f.shape[1] != self.feat_dim:
            raise ValueError(f'feat_dim: the backbone gives {f.shape[1]} '
                             f'channels, the config says {self.feat_dim}')
        return F.normalize(self.projection(f), dim=1)


def gather_batch(x: Tensor) -> Tensor:
    """``x`` of every process, concatenated in rank order (``x`` itself
    without DDP). Every rank must hold the same batch size."""
    if get_world_size() == 1:
        return x
    sizes = all_gather(x.new_tensor([x.shape[0]], dtype=torch.long))
    sizes = [int(s) for s in sizes]
    if len(set(sizes)) != 1:
        raise ValueError(
            'train_dataloader.batch_size: the processes hold batches of '
            f'{sizes} samples; the key queues need equal batches on every '
            'rank (use drop_last=True)')
    return torch.cat(all_gather(x.contiguous()), dim=0)


def enqueue_(queues: Sequence[Tensor], keys: Sequence[Tensor],
             ptr: Tensor) -> None:
    """Write ``keys[i] [B, D]`` into ``queues[i] [K, D]`` at rows
    ``(ptr + j) mod K``, ``j < B`` (wrapping around), then advance ``ptr``
    by ``B`` mod ``K``, in place. One pointer for all queues keeps row r
    the same sample in every queue."""
    size = queues[0].shape[0]
    batch = keys[0].shape[0]
    if batch > size:
        raise ValueError(
            f'queue_size: {size} is smaller than the batch of keys it must '
            f'hold ({batch}, gathered over all processes)')
    if any(k.shape[0] != batch for k in keys) or \
            any(q.shape[0] != size for q in queues):
        raise ValueError('enqueue_: queues and keys must have equal lengths')
    rows = (int(ptr) + torch.arange(batch, device=ptr.device)) % size
    for queue, key in zip(queues, keys):
        queue[rows] = key.to(queue.dtype)
    ptr.fill_((int(ptr) + batch) % size)
