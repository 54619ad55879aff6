"""ViCoKD: a fewer-modality student distilled from a frozen multi-modal,
multi-view teacher, with view-aware consistency."""
import copy
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor

from mmaction.registry import MODELS
from ..recognizers.multiview_utils import merge_loss_weights
from ..recognizers.vicokd_utils import joint_scores, per_view_labels
from .teacher_utils import build_frozen_teacher


@MODELS.register_module()
class ViCoKDDistiller(BaseModel):
    """Trains a :class:`ViCoKDStudent` from a frozen :class:`ViCoKDTeacher`.

    DESIGN.md §4. A training item is one recording from
    :class:`MultiViewPoseDataset` (all its views, the same moments sampled
    in each). The teacher runs once on all valid views with all its
    modalities; the student runs on every valid view alone (its backbone
    sees one view per row) with its own modalities. With the student's
    per-view logits ``s_v``, probabilities ``p_v`` (softmax, or sigmoid for
    multi-label heads), embedding ``z^S_v`` and adapted tokens ``x̂_b``, and
    the teacher's fused logits ``t``, per-view embeddings ``z^T_v`` and real
    tokens ``x^T_b`` of the missing modality b::

        L = w_cls · CE(s_v, y)          (BCE for multi-label heads)
            + KL_T(t ‖ s_v)             (logit_loss: SoftTargetKLLoss, T = 4;
                                         BinarySoftTargetKLLoss multi-label)
            + w_token · d(x̂_b, x^T_b)   (adapter -> teacher's real tokens)
            + w_embed · d(z^S_v, z^T_v) (same view)
            + Σ_n Σ_{i<j} m_ij w_ij JS(p_i, p_j) / max(Σ m_ij, 1)
                                        (consistency_loss: ViewConsistencyLoss)

    each averaged over the valid views; ``d`` is ``feature_distance``:
    ``'mse'`` (mean squared error) or ``'cosine'`` (mean 1 − cos). Teacher
    tokens are resampled in time to the student's length when they differ.
    Co-visibility reads per-joint scores from input channel
    ``score_channel`` (``keypoint_score`` appended by ``FormatGCNInput``),
    or, with None, non-zero coordinates in channels ``coord_channels``;
    dict inputs (RGB) count every existing view as seen.

    Ablations: ``use_adapter=False`` builds the student without its adapter
    (and drops the token term); ``consistency_loss=None`` or its
    ``loss_weight=0`` drops the consistency term; ``logit_loss=None`` the
    KL. Validation and test run the student alone (``predict``), usually on
    one view.

    Args:
        student: :class:`ViCoKDStudent` config.
        teacher: teacher config (path or dict); ``teacher_ckpt`` its
            checkpoint or work dir (checked strictly, FileNotFoundError
            naming the path when missing).
        loss_weights: ``cls``, ``token``, ``embed``.
    """

    def __init__(self,
                 student: Dict,
                 teacher: Union[str, Dict],
                 teacher_ckpt: Optional[str],
                 logit_loss: Optional[Dict] = dict(
                     type='SoftTargetKLLoss', temperature=4.0),
                 consistency_loss: Optional[Dict] = dict(
                     type='ViewConsistencyLoss'),
                 feature_distance: str = 'mse',
                 loss_weights: Optional[Dict] = None,
                 use_adapter: bool = True,
                 score_channel: Optional[int] = None,
                 coord_channels=(0, 3),
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if feature_distance not in ('mse', 'cosine'):
            raise ValueError("feature_distance must be 'mse' or 'cosine', "
                             f'got {feature_distance!r}')
        self.feature_distance = feature_distance
        self.loss_weights = merge_loss_weights(
            dict(cls=1.0, token=1.0, embed=1.0), loss_weights)
        student = copy.deepcopy(student)
        if not use_adapter:
            student['adapter'] = None
        self.use_adapter = use_adapter
        self.student = MODELS.build(student)
        if teacher is None:
            raise ValueError('ViCoKDDistiller needs a teacher config')
        if teacher_ckpt is None:
            raise ValueError('ViCoKDDistiller needs teacher_ckpt (a '
                             'checkpoint or the teacher work dir)')
        self.teacher = build_frozen_teacher(teacher, teacher_ckpt)
        self.logit_loss = MODELS.build(logit_loss) if logit_loss else None
        self.consistency_loss = MODELS.build(consistency_loss) \
            if consistency_loss else None
        self.score_channel = score_channel
        self.coord_channels = tuple(coord_channels)
        self._check_compatible()

    def _check_compatible(self) -> None:
        s, t = self.student, self.teacher
        if s.multi_label != t.multi_label:
            raise ValueError('student and teacher heads disagree on '
                             'multi_class (single- vs multi-label)')
        uses_feat = self.loss_weights['embed'] > 0 or \
            (self.use_adapter and self.loss_weights['token'] > 0)
        if uses_feat and s.embed_dims != t.embed_dims:
            raise ValueError(f'feature terms need equal embed_dims: student '
                             f'{s.embed_dims}, teacher {t.embed_dims}')
        lack = [m for m in getattr(s, 'missing', ()) if m not in t.modalities]
        if lack:
            raise ValueError(f'student.missing {lack} are not teacher '
                             f'modalities {sorted(t.modalities)}')
        cons = self.consistency_loss
        if cons is not None and getattr(cons, 'multi_label', None) is not \
                None and cons.multi_label != s.multi_label:
            raise ValueError('consistency_loss.multi_label must match the '
                             'heads (multi_class)')

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()  # frozen: BN statistics and dropout too
        return self

    # ---------------------------------------------------------------- modes
    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.student.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.student(inputs, data_samples, mode='tensor')
        raise RuntimeError(f'Invalid mode "{mode}"')

    def _distance(self, a: Tensor, b: Tensor) -> Tensor:
        if self.feature_distance == 'mse':
            return F.mse_loss(a, b)
        return (1 - F.cosine_similarity(a, b, dim=-1)).mean()

    @staticmethod
    def _resample(x: Tensor, length: int) -> Tensor:
        """``[B, T, D]`` -> ``[B, length, D]`` (linear in time)."""
        if x.shape[1] == length:
            return x
        return F.interpolate(x.transpose(1, 2), size=length, mode='linear',
                             align_corners=False).transpose(1, 2)

    def loss(self, inputs, data_samples: List) -> Dict[str, Tensor]:
        first = next(iter(inputs.values())) if isinstance(inputs, dict) \
            else inputs
        if first.dim() != 7 or first.shape[1] != 1:
            raise ValueError(
                'ViCoKDDistiller trains on MultiViewPoseDataset batches '
                f'[N, 1, V, ...] (one clip), got {tuple(first.shape)}')
        with torch.no_grad():
            t = self.teacher.extract_views(inputs, data_samples)
            t_logits = self.teacher.cls_head(t['fused'])
        s = self.student.extract_views(inputs, data_samples)
        mask = s['mask']
        valid = mask.nonzero()
        z_s = s['z_views'][mask]
        logits = self.student.cls_head(z_s)
        multi = self.student.multi_label
        y = per_view_labels(data_samples, mask, multi)
        w = self.loss_weights
        head = self.student.cls_head
        losses = dict(loss_cls=w['cls'] * head.loss_cls(logits, y))
        if not multi:
            losses['top1_acc'] = (logits.argmax(1) == y).float().mean()
        if self.logit_loss is not None:
            losses['loss_kl'] = self.logit_loss(logits, t_logits[valid[:, 0]])
        if w['embed'] > 0:
            losses['loss_embed'] = w['embed'] * self._distance(
                z_s, t['z_views'][mask])
        adapted = self.student.adapted(s['tokens']) \
            if hasattr(self.student, 'adapted') else {}
        if adapted and w['token'] > 0:
            d = [self._distance(x_hat, self._resample(
                t['tokens'][m], x_hat.shape[1]))
                for m, x_hat in adapted.items()]
            losses['loss_token'] = w['token'] * torch.stack(d).mean()
        cons = self.consistency_loss
        if cons is not None and cons.loss_weight > 0:
            probs = logits.sigmoid() if multi else logits.softmax(-1)
            grid = probs.new_zeros(mask.shape + probs.shape[-1:])
            grid[mask] = probs
            scores = None
            if not isinstance(inputs, dict):
                scores = joint_scores(inputs[:, 0], self.score_channel,
                                      self.coord_channels)
            losses['loss_consistency'] = cons(grid, mask, scores=scores)
        return losses
