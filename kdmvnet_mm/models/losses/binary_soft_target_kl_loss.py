import torch.nn.functional as F
from torch import Tensor

from mmaction.registry import MODELS
from .soft_target_kl_loss import SoftTargetKLLoss


@MODELS.register_module()
class BinarySoftTargetKLLoss(SoftTargetKLLoss):
    """Soft-target distillation for multi-label heads (one sigmoid per
    class), the multi-label counterpart of :class:`SoftTargetKLLoss`::

        q = σ(t / T),  p = σ(s / T)
        loss = loss_weight · T² · mean_{b,k} [ q log(q / p)
                                             + (1 − q) log((1 − q) / (1 − p)) ]

    the KL divergence between the teacher's and the student's Bernoulli
    distributions of every class, averaged over classes and samples (the
    same reduction as mmaction2's ``BCELossWithLogits``, so the two terms
    keep comparable scales). Student logits ``s``, teacher logits ``t``
    (detached), temperature ``T``.

    Args:
        temperature (float): T. Defaults to 1.0.
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, temperature: float = 1.0, loss_weight: float = 1.0,
                 init_cfg=None) -> None:
        super().__init__(temperature, loss_weight, init_cfg=init_cfg)

    def forward(self, student_logits: Tensor,
                teacher_logits: Tensor) -> Tensor:
        """``[B, K]`` logits each; returns the scalar loss."""
        if student_logits.shape != teacher_logits.shape:
            raise ValueError(f'student logits {tuple(student_logits.shape)} '
                             f'and teacher logits '
                             f'{tuple(teacher_logits.shape)} differ')
        T = self.temperature
        s, t = student_logits / T, teacher_logits.detach() / T
        q = t.sigmoid()
        log_q, log_1q = F.logsigmoid(t), F.logsigmoid(-t)
        log_p, log_1p = F.logsigmoid(s), F.logsigmoid(-s)
        kl = q * (log_q - log_p) + (1 - q) * (log_1q - log_1p)
        return self.loss_weight * T * T * kl.mean()
