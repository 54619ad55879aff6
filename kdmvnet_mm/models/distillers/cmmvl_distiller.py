"""CMMVL: a skeleton-heatmap teacher distilled into multi-view RGB students."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor

from mmaction.registry import MODELS
from .teacher_utils import build_frozen_teacher


@MODELS.register_module()
class CMMVLDistiller(BaseModel):
    """N parameter-shared RGB students, one per camera view, and a frozen
    PoseC3D teacher (DESIGN.md §3).

    A training item is one recording from :class:`MultiViewPoseDataset` with
    both modalities of every view: ``imgs [N, 1, V, 3, T, H, W]`` (RGB) and
    ``heatmap_imgs [N, 1, V, K, T, H, W]`` (``GeneratePoseTarget``). One
    valid view per recording is the main student's (``main_view``: a camera
    id, or ``'random'``); every valid view is a student (one shared
    ``student`` recognizer; ``multi_student=False`` keeps the main one
    only). With main-view logits ``s``, the teacher's logits ``t`` on the
    main view's heatmaps and the students' pooled backbone features ``h_v``::

        L = w_kl·τ²·KL(σ(t/τ) ‖ σ(s/τ))                      (τ = 2)
            + w_pseudo·CE(s, argmax t)                        (pseudo-label)
            + λ·Σ_{i<j} CL(i, j)                              (λ = 0.005)
            + w_gt·CE(s, y)                                   (0: off)

    ``logit_loss`` is the KL term, ``cl_loss`` the SimSiam term
    (:class:`CrossViewSimSiamLoss`, which holds the predictor); each can be
    None. Only the main student gets class scores, so the other students
    learn through CL alone: their gradient stops before any class score.
    ``w_gt`` > 0 with the teacher terms off is the no-distillation
    ablation. Validation and test run the student alone on one view's RGB.

    Args:
        student: mmaction2 RGB recognizer config (``Recognizer3D``).
        teacher: teacher config (path or dict), a skeleton recognizer on
            heatmaps; ``teacher_ckpt`` its weights (checked strictly).
        logit_loss: KL config (``SoftTargetKLLoss``, temperature 2).
        cl_loss: ``CrossViewSimSiamLoss`` config.
        pseudo_weight / gt_weight: weights of the two CE terms.
        main_view: camera id of the main student, or ``'random'``.
        multi_student: all valid views are students (CL needs them).
    """

    def __init__(self,
                 student: Dict,
                 teacher: Union[str, Dict, None],
                 teacher_ckpt: Optional[str],
                 logit_loss: Optional[Dict] = dict(
                     type='SoftTargetKLLoss', temperature=2.0),
                 cl_loss: Optional[Dict] = None,
                 pseudo_weight: float = 1.0,
                 gt_weight: float = 0.0,
                 main_view: Union[int, str] = 'random',
                 multi_student: bool = True,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if main_view != 'random' and not isinstance(main_view, int):
            raise ValueError(f"main_view must be a camera id or 'random', "
                             f'got {main_view!r}')
        self.main_view = main_view
        self.multi_student = multi_student
        self.pseudo_weight = pseudo_weight
        self.gt_weight = gt_weight
        self.student = MODELS.build(student)
        self.teacher = None
        if teacher is not None:
            if teacher_ckpt is None:
                raise ValueError('CMMVLDistiller needs teacher_ckpt with a '
                                 'teacher config')
            self.teacher = build_frozen_teacher(teacher, teacher_ckpt)
        self.logit_loss = MODELS.build(logit_loss) if logit_loss else None
        self.cl_loss = MODELS.build(cl_loss) if cl_loss else None
        uses_teacher = self.logit_loss is not None or pseudo_weight > 0
        if uses_teacher and self.teacher is None:
            raise ValueError('the KL and pseudo-label terms need a teacher')
        if not uses_teacher and gt_weight <= 0:
            raise ValueError('no classification term: set a teacher term '
                             'or gt_weight > 0')

    def train(self, mode: bool = True):
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # frozen: BN statistics and dropout too
        return self

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.student.predict(self._single(inputs), data_samples)
        if mode == 'tensor':
            return self.student(self._single(inputs), data_samples,
                                mode='tensor')
        raise RuntimeError(f'Invalid mode "{mode}"')

    @staticmethod
    def _single(inputs) -> Tensor:
        return inputs['imgs'] if isinstance(inputs, dict) else inputs

    # ---------------------------------------------------------------- train
    def _main_views(self, mask: Tensor, view_ids: Tensor) -> Tensor:
        """Index of the main view per recording: ``main_view`` when the
        recording has it, else a random valid one."""
        pick = torch.multinomial(mask.float(), 1).squeeze(1)
        if self.main_view != 'random':
            has = mask & (view_ids == self.main_view)
            fixed = has.any(1)
            pick[fixed] = has[fixed].float().argmax(1)
        return pick

    def _features(self, x: Tensor) -> Tensor:
        feat = self.student.backbone(x)
        return feat[-1] if isinstance(feat, (tuple, list)) else feat

    @torch.no_grad()
    def teacher_logits(self, heatmaps: Tensor) -> Tensor:
        """Teacher class scores on ``[B, K, T, H, W]`` heatmaps."""
        feat = self.teacher.backbone(heatmaps)
        if isinstance(feat, (tuple, list)):
            feat = feat[-1]
        return self.teacher.cls_head(feat)

    def loss(self, inputs: Dict[str, Tensor],
             data_samples: List) -> Dict[str, Tensor]:
        if not isinstance(inputs, dict) or 'imgs' not in inputs:
            raise ValueError('CMMVLDistiller trains on dict inputs with '
                             "'imgs' (and 'heatmap_imgs' for the teacher) "
                             'from MultiViewPoseDataset')
        imgs = inputs['imgs']
        if imgs.dim() != 7 or imgs.shape[1] != 1:
            raise ValueError('imgs must be [N, 1, V, C, T, H, W] (one clip '
                             f'per recording), got {tuple(imgs.shape)}')
        imgs = imgs[:, 0]
        N, V = imgs.shape[:2]
        dev = imgs.device
        mask = torch.stack([ds.view_mask for ds in data_samples]).to(dev)
        view_ids = torch.stack([ds.view_ids for ds in data_samples]).to(dev)
        labels = torch.stack([ds.gt_label.reshape(())
                              for ds in data_samples]).to(dev)
        main = self._main_views(mask, view_ids)
        rows = torch.arange(N, device=dev)
        students = mask if self.multi_student else \
            F.one_hot(main, V).bool()
        feat = self._features(imgs[students])  # [B', C, T', H', W']
        # position of each recording's main view among the student rows
        order = torch.cumsum(students.reshape(-1).long(), 0) - 1
        main_rows = order.reshape(N, V)[rows, main]
        logits = self.student.cls_head(feat[main_rows])
        losses = dict(top1_acc=(logits.argmax(1) == labels).float().mean())
        if self.teacher is not None and (self.logit_loss is not None
                                         or self.pseudo_weight > 0):
            heat = inputs.get('heatmap_imgs')
            if heat is None:
                raise KeyError("the teacher needs 'heatmap_imgs' in the "
                               'inputs (GeneratePoseTarget in the pipeline)')
            t_logits = self.teacher_logits(heat[:, 0][rows, main])
            if self.logit_loss is not None:
                losses['loss_kl'] = self.logit_loss(logits, t_logits)
            if self.pseudo_weight > 0:
                losses['loss_pseudo'] = self.pseudo_weight * F.cross_entropy(
                    logits, t_logits.argmax(1))
            losses['teacher_acc'] = (t_logits.argmax(1) == labels).float(
            ).mean()
        if self.gt_weight > 0:
            losses['loss_cls'] = self.gt_weight * F.cross_entropy(
                logits, labels)
        if self.cl_loss is not None and self.multi_student:
            h = feat.flatten(2).mean(2)
            grid = h.new_zeros((N, V, h.shape[1]))
            grid[students] = h
            losses['loss_cl'] = self.cl_loss(grid, students)
        return losses
