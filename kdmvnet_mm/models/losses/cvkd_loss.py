"""MMCV's cross-view knowledge distillation (CVKD): CMD-style top-k
similarity-distribution KL across models and across modalities."""
from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class CVKDLoss(BaseModule):
    """Cross-View Knowledge Distillation of MMCV (DESIGN.md §5, after CMD's
    cross-modal mutual distillation).

    A teacher is a momentum-encoder embedding ``t [N, D]`` with its queue
    ``Q_t [K, D]``; a student is the query embedding ``q [N, D]`` with a
    queue ``Q_s`` that is index-aligned with ``Q_t`` (the queues are
    filled in step, so row i is the same sample in every queue). With
    ``I_n`` the indices of the ``k = min(topk, K)`` largest ``t_n·Q_t``::

        P_t(n) = softmax_{i∈I_n}(t_n·Q_t[i] / τ_t)         (τ_t = 0.05)
        P_s(n) = softmax_{i∈I_n}(q_n·Q_s[i] / τ_s)         (τ_s = 0.1)
        KD(t, q) = (1/N) Σ_n KL(P_t(n) ‖ P_s(n))
                 = (1/N) Σ_n Σ_i P_t log(P_t / P_s)

    (teacher first: the student matches the teacher's distribution; the
    teacher side carries no gradient). The pairs, for streams ``m`` and
    ordered pairs ``a ≠ b``::

        across models:     KD((p_m, Q^p_m) → (q_m, Q^k_m)),
                           KD((k_m, Q^k_m) → (q_m, Q^p_m))
        across modalities: KD((k_a, Q^k_a) → (q_b, Q^k_b))
        CVKD = loss_weight · (mean over the model pairs
                              + mean over the modality pairs)

    ``loss_weight`` is 0.25 in MMCV (total ``1.0·CVCL + 0.25·CVKD``).
    Returns ``loss_cvkd`` and, for the log only, ``cvkd_inter_model`` and
    ``cvkd_inter_modal`` (unweighted).

    Args:
        topk: ``k`` (8192 with a 16384 queue).
        teacher_temperature: ``τ_t``. student_temperature: ``τ_s``.
        loss_weight: weight of the total.
    """

    def __init__(self,
                 topk: int = 8192,
                 teacher_temperature: float = 0.05,
                 student_temperature: float = 0.1,
                 loss_weight: float = 0.25,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if topk < 1:
            raise ValueError(f'topk must be >= 1, got {topk}')
        if teacher_temperature <= 0 or student_temperature <= 0:
            raise ValueError('temperatures must be > 0, got '
                             f'{teacher_temperature}, {student_temperature}')
        self.topk = topk
        self.teacher_temperature = teacher_temperature
        self.student_temperature = student_temperature
        self.loss_weight = loss_weight

    def distill(self, teacher: Tensor, queue_t: Tensor, student: Tensor,
                queue_s: Tensor) -> Tensor:
        """``KD(t, q)`` of the class docstring."""
        with torch.no_grad():
            sim_t = teacher @ queue_t.t()
            k = min(self.topk, sim_t.shape[1])
            top_t, idx = sim_t.topk(k, dim=1)
            p_t = F.softmax(top_t / self.teacher_temperature, dim=1)
        sim_s = torch.gather(student @ queue_s.t(), 1, idx)
        log_p_s = F.log_softmax(sim_s / self.student_temperature, dim=1)
        return F.kl_div(log_p_s, p_t, reduction='batchmean')

    @staticmethod
    def pairs(streams: List[str]) -> Tuple[list, list]:
        """(teacher, student) specs of the two groups, as
        ``((embedding, queue), (embedding, queue))`` name pairs."""
        model = []
        for m in streams:
            model.append((('p', m, 'p'), ('q', m, 'k')))
            model.append((('k', m, 'k'), ('q', m, 'p')))
        modal = [(('k', a, 'k'), ('q', b, 'k')) for a in streams
                 for b in streams if a != b]
        return model, modal

    def forward(self, q: Dict[str, Tensor], k: Dict[str, Tensor],
                p: Dict[str, Tensor], queue_k: Dict[str, Tensor],
                queue_p: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Arguments as :meth:`CVCLLoss.forward`."""
        emb = dict(q=q, k=k, p=p)
        queues = dict(k=queue_k, p=queue_p)

        def term(spec):
            (te, tm, tq), (se, sm, sq) = spec
            return self.distill(emb[te][tm].detach(), queues[tq][tm],
                                emb[se][sm], queues[sq][sm])

        model, modal = self.pairs(list(q))
        inter_model = torch.stack([term(s) for s in model]).mean()
        inter_modal = torch.stack([term(s) for s in modal]).mean() \
            if modal else inter_model * 0
        return dict(
            loss_cvkd=self.loss_weight * (inter_model + inter_modal),
            cvkd_inter_model=inter_model.detach(),
            cvkd_inter_modal=inter_modal.detach())
