import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class SoftTargetKLLoss(BaseModule):
    """Soft-target distillation (Hinton et al.):

    ``loss = loss_weight · T² · mean_b KL(softmax(t_b/T) ‖ softmax(s_b/T))``

    with student logits ``s``, teacher logits ``t`` (detached) and
    temperature ``T`` (4 for the KD-MVNet student). The ``T²`` factor keeps
    the gradient scale independent of ``T``.

    Args:
        temperature (float): T. Defaults to 4.0.
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, temperature: float = 4.0, loss_weight: float = 1.0,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, student_logits: Tensor,
                teacher_logits: Tensor) -> Tensor:
        """Args:
            student_logits (Tensor): ``[B, K]``.
            teacher_logits (Tensor): ``[B, K]``.

        Returns:
            Tensor: the scalar loss.
        """
        T = self.temperature
        kl = F.kl_div(
            F.log_softmax(student_logits / T, dim=-1),
            F.softmax(teacher_logits.detach() / T, dim=-1),
            reduction='batchmean')
        return self.loss_weight * T * T * kl
