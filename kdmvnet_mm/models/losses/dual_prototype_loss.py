import math
from typing import Dict, List, Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class DualPrototypeLoss(BaseModule):
    """Dual-Prototype View-Invariant Contrastive loss (DP-VIC).

    Two banks of L2-normalised prototypes are kept as buffers (so they are
    saved in checkpoints): ``P_class [K, D]``, one per class, and
    ``P_exec [R, D]``, one per execution (recording). For a view descriptor
    ``s`` (L2-normalised here) with class ``k`` and execution ``r``:

    ``l = s · [P_class; P_exec]ᵀ / τ``,

    ``loss = −log((w_c·exp(l_k) + w_e·exp(l_{K+r})) / Σ_j exp(l_j))``,

    computed with logsumexp (``log w`` added to the positive logits), with
    ``w_c`` = ``class_weight`` (1.0), ``w_e`` = ``exec_weight`` (0.5),
    ``τ`` = ``temperature`` (0.07). The result is ``loss_weight`` times the
    mean over descriptors. Prototypes not seen yet are zero vectors and are
    left out of the denominator; the two positives always count in it, so
    the loss stays finite even without an update (e.g. in eval mode). With
    ``num_executions == 0`` there is no execution bank and only the class
    term is used: ``−log(w_c·exp(l_k) / Σ_j exp(l_j))``.

    EMA update (:meth:`update`, run in :meth:`forward` *before* the loss, so
    the positives are never zero vectors): for each distinct id in the batch
    (all-gathered under DDP), ``target = normalise(mean of the normalised
    descriptors carrying it)``; the first time an id is seen ``p = target``,
    afterwards ``p ← normalise(m·p + (1 − m)·target)``, ``m`` = ``momentum``.

    The execution bank grows with the dataset (one row per recording); it is
    sized by :class:`PrototypeHook` from the training set via
    :meth:`resize_executions` and reports its cost with :meth:`memory_bytes`.
    A bank built with ``num_executions=0`` takes its size from a checkpoint
    when one is loaded (so a test config need not know the dataset size).

    Args:
        num_classes (int): K.
        num_executions (int): R; 0 means "no bank yet". Defaults to 0.
        feat_dim (int): D. Defaults to 256.
        temperature (float): τ. Defaults to 0.07.
        class_weight (float): w_c, > 0. Defaults to 1.0.
        exec_weight (float): w_e, ≥ 0. Defaults to 0.5.
        momentum (float): m. Defaults to 0.99.
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self,
                 num_classes: int,
                 num_executions: int = 0,
                 feat_dim: int = 256,
                 temperature: float = 0.07,
                 class_weight: float = 1.0,
                 exec_weight: float = 0.5,
                 momentum: float = 0.99,
                 loss_weight: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if class_weight <= 0 or exec_weight < 0:
            raise ValueError('need class_weight > 0 and exec_weight >= 0, '
                             f'got {class_weight} and {exec_weight}')
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f'momentum must lie in [0, 1), got {momentum}')
        self.num_classes = num_classes
        self.feat_dim = feat_dim
        self.temperature = temperature
        self.class_weight = class_weight
        self.exec_weight = exec_weight
        self.momentum = momentum
        self.loss_weight = loss_weight
        self.register_buffer('class_protos', torch.zeros(num_classes,
                                                         feat_dim))
        self.register_buffer('class_seen',
                             torch.zeros(num_classes, dtype=torch.bool))
        self.register_buffer('exec_protos',
                             torch.zeros(num_executions, feat_dim))
        self.register_buffer('exec_seen',
                             torch.zeros(num_executions, dtype=torch.bool))

    @property
    def num_executions(self) -> int:
        return self.exec_protos.shape[0]

    def resize_executions(self, num_executions: int) -> None:
        """Re-allocate the execution bank as ``num_executions`` unseen rows."""
        with torch.no_grad():
            # set_ keeps the tensor objects, so references held by a model
            # wrapper (DDP buffer lists) stay valid.
            self.exec_protos.set_(
                self.exec_protos.new_zeros(num_executions, self.feat_dim))
            self.exec_seen.set_(self.exec_seen.new_zeros(num_executions))

    def memory_bytes(self) -> int:
        """Bytes held by the execution bank (prototypes and seen flags)."""
        return sum(t.numel() * t.element_size()
                   for t in (self.exec_protos, self.exec_seen))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        saved = state_dict.get(prefix + 'exec_protos')
        if saved is not None and self.num_executions == 0 \
                and saved.shape[0] > 0:
            self.resize_executions(saved.shape[0])
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @staticmethod
    def _all_gather_rows(tensors: List[Tensor]) -> List[Tensor]:
        """All-gather tensors sharing their first dim, which may differ per
        rank: gather the sizes, pad to the largest, then trim."""
        world = dist.get_world_size()
        n = torch.tensor([tensors[0].shape[0]], device=tensors[0].device)
        sizes = [torch.zeros_like(n) for _ in range(world)]
        dist.all_gather(sizes, n)
        sizes = [int(s) for s in sizes]
        longest = max(sizes)
        out = []
        for t in tensors:
            pad = t.new_zeros((longest - t.shape[0], ) + t.shape[1:])
            parts = [t.new_empty((longest, ) + t.shape[1:])
                     for _ in range(world)]
            dist.all_gather(parts, torch.cat([t, pad]))
            out.append(torch.cat([p[:s] for p, s in zip(parts, sizes)]))
        return out

    def _check_index(self, idx: Tensor, size: int, bank: str) -> None:
        if idx.numel() == 0:
            return
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= size:
            bad = hi if hi >= size else lo
            hint = ('; size the bank from the dataset'
                    if bank == 'execution' else '')
            raise ValueError(f'{bank} bank holds {size} prototypes but index '
                             f'{bad} was given{hint}')

    def _ema(self, protos: Tensor, seen: Tensor, s: Tensor,
             idx: Tensor) -> None:
        ids, inv = torch.unique(idx, return_inverse=True)
        # normalise(mean) == normalise(sum): duplicates are averaged.
        target = F.normalize(
            s.new_zeros(len(ids), s.shape[1]).index_add_(0, inv, s), dim=1)
        old = protos[ids]
        mixed = F.normalize(
            self.momentum * old + (1.0 - self.momentum) * target, dim=1)
        protos[ids] = torch.where(seen[ids].unsqueeze(1), mixed, target)
        seen[ids] = True

    @torch.no_grad()
    def update(self,
               desc: Tensor,
               class_idx: Tensor,
               exec_idx: Optional[Tensor] = None) -> None:
        """EMA-update both banks from descriptors ``[B', D]`` and their class
        and execution indices ``[B']`` (gathered across ranks under DDP)."""
        self._check_index(class_idx, self.num_classes, 'class')
        use_exec = exec_idx is not None and self.num_executions > 0
        if use_exec:
            self._check_index(exec_idx, self.num_executions, 'execution')
        desc = desc.detach().to(self.class_protos.dtype)
        tensors = [desc, class_idx.long()]
        if use_exec:
            tensors.append(exec_idx.long())
        if dist.is_available() and dist.is_initialized() \
                and dist.get_world_size() > 1:
            tensors = self._all_gather_rows(tensors)
        s = F.normalize(tensors[0], dim=1)
        self._ema(self.class_protos, self.class_seen, s, tensors[1])
        if use_exec:
            self._ema(self.exec_protos, self.exec_seen, s, tensors[2])

    def forward(self,
                desc: Tensor,
                class_idx: Tensor,
                exec_idx: Optional[Tensor] = None,
                update: Optional[bool] = None) -> Tensor:
        """Args:
            desc (Tensor): ``[B', D]`` view descriptors.
            class_idx (Tensor): ``[B']`` class of each descriptor.
            exec_idx (Tensor, optional): ``[B']`` execution (recording) row.
            update (bool, optional): EMA-update the banks first; defaults to
                ``self.training``.

        Returns:
            Tensor: the scalar loss.
        """
        if update is None:
            update = self.training
        use_exec = (exec_idx is not None and self.num_executions > 0
                    and self.exec_weight > 0)
        if update:
            self.update(desc, class_idx, exec_idx)  # checks the indices
        else:
            self._check_index(class_idx, self.num_classes, 'class')
            if use_exec:
                self._check_index(exec_idx, self.num_executions, 'execution')
        class_idx = class_idx.long()
        s = F.normalize(desc.to(self.class_protos.dtype), dim=1)
        protos, seen = self.class_protos, self.class_seen
        if use_exec:
            exec_idx = exec_idx.long()
            protos = torch.cat([protos, self.exec_protos])
            seen = torch.cat([seen, self.exec_seen])
        logits = s @ protos.t() / self.temperature
        rows = torch.arange(len(s), device=s.device)
        keep = seen.unsqueeze(0).expand_as(logits).clone()
        keep[rows, class_idx] = True
        pos = [logits[rows, class_idx] + math.log(self.class_weight)]
        if use_exec:
            col = exec_idx + self.num_classes
            keep[rows, col] = True
            pos.append(logits[rows, col] + math.log(self.exec_weight))
        denom = torch.logsumexp(logits.masked_fill(~keep, float('-inf')), 1)
        numer = torch.logsumexp(torch.stack(pos, 1), 1)
        return self.loss_weight * (denom - numer).mean()

    @torch.no_grad()
    def stats(self) -> Dict[str, float]:
        """Bank statistics: ``class_usage`` and ``exec_usage`` (fraction of
        prototypes seen) and ``mean_class_cos`` (mean off-diagonal cosine
        between seen class prototypes; 0 with fewer than two)."""

        def usage(seen: Tensor) -> float:
            return float(seen.float().mean()) if seen.numel() else 0.0

        p = self.class_protos[self.class_seen]
        k = p.shape[0]
        cos = 0.0
        if k >= 2:
            gram = p @ p.t()
            cos = float((gram.sum() - gram.diagonal().sum()) / (k * (k - 1)))
        return dict(
            class_usage=usage(self.class_seen),
            exec_usage=usage(self.exec_seen),
            mean_class_cos=cos)
