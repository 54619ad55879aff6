"""MMCV's cross-view contrastive learning (CVCL): InfoNCE between the query
encoder and two momentum encoders, and across skeleton modalities."""
from typing import Dict

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class CVCLLoss(BaseModule):
    """Cross-View Contrastive Learning of MMCV (DESIGN.md §5).

    Per modality (stream) ``m``: the query embedding ``q_m [N, D]``, the
    embeddings of the two momentum encoders ``k_m`` (momentum 0.999) and
    ``p_m`` (0.995) of the other crop, and their queues ``Q^k_m, Q^p_m
    [K, D]`` (all L2-normalised; keys and queues carry no gradient). With
    ``τ`` the temperature (0.07) and ``CE`` the InfoNCE cross-entropy whose
    positive is column 0, each row ``n`` of a logit matrix is::

        inter-model, per m:
          ℓ¹ = [q·p | q·Q^p | q·Q^k] / τ        (1 + K + K columns)
          ℓ² = [q·k | q·Q^k | q·Q^p] / τ
        inter-modal, per ordered pair (a, b), a ≠ b:
          ℓ^{ab} = [q_a·k_a | q_a·Q^k_a | q_b·Q^k_b] / τ

    the last block being the extra negatives from modality ``b`` (row n of
    ``q_b`` against ``b``'s key queue). Each group is averaged::

        L_model = (1 / 2S) Σ_m [CE(ℓ¹_m) + CE(ℓ²_m)]
        L_modal = (1 / S(S−1)) Σ_{a≠b} CE(ℓ^{ab})
        CVCL    = loss_weight · (L_model + L_modal)

    With one modality ``L_modal`` is 0.

    Returns ``loss_cvcl`` and, for the log only, ``cvcl_inter_model`` and
    ``cvcl_inter_modal`` (unweighted).

    Args:
        temperature: ``τ``.
        loss_weight: weight of the total (1.0 in MMCV).
    """

    def __init__(self, temperature: float = 0.07,
                 loss_weight: float = 1.0, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight

    @staticmethod
    def info_nce(logits: Tensor) -> Tensor:
        """Cross-entropy with the positive in column 0, batch mean."""
        target = logits.new_zeros(logits.shape[0], dtype=torch.long)
        return F.cross_entropy(logits, target)

    def forward(self, q: Dict[str, Tensor], k: Dict[str, Tensor],
                p: Dict[str, Tensor], queue_k: Dict[str, Tensor],
                queue_p: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Every argument maps a stream name to ``[N, D]`` (embeddings) or
        ``[K, D]`` (queues)."""
        t = self.temperature
        streams = list(q)
        model_terms = []
        for m in streams:
            pos_p = (q[m] * p[m]).sum(1, keepdim=True)
            pos_k = (q[m] * k[m]).sum(1, keepdim=True)
            neg_p, neg_k = q[m] @ queue_p[m].t(), q[m] @ queue_k[m].t()
            l1 = torch.cat([pos_p, neg_p, neg_k], 1) / t
            l2 = torch.cat([pos_k, neg_k, neg_p], 1) / t
            model_terms += [self.info_nce(l1), self.info_nce(l2)]
        modal_terms = []
        for a in streams:
            pos = (q[a] * k[a]).sum(1, keepdim=True)
            neg = q[a] @ queue_k[a].t()
            for b in streams:
                if b == a:
                    continue
                extra = q[b] @ queue_k[b].t()
                logits = torch.cat([pos, neg, extra], 1) / t
                modal_terms.append(self.info_nce(logits))
        inter_model = torch.stack(model_terms).mean()
        inter_modal = torch.stack(modal_terms).mean() if modal_terms \
            else inter_model * 0
        return dict(
            loss_cvcl=self.loss_weight * (inter_model + inter_modal),
            cvcl_inter_model=inter_model.detach(),
            cvcl_inter_modal=inter_modal.detach())
