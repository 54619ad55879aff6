"""KD-MVNet: a single-view student distilled from a frozen multi-view teacher."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from torch import Tensor

from mmaction.registry import MODELS
from ..recognizers.multiview_utils import split_inputs
from .teacher_utils import (build_frozen_teacher, load_state_checked,
                            load_state_strict, load_teacher_cache)


@MODELS.register_module()
class KDMVNetDistiller(BaseModel):
    """Trains ``student`` on single views from a frozen multi-view teacher.

    DESIGN.md §2 (student and FMRD). Per training batch of recordings from
    :class:`MultiViewPoseDataset`, the teacher runs once per recording on all
    its available views and gives per-view embeddings ``z_v``, consensus
    ``c = mean_v z_v`` and logits ``p_T``. Every available view of the
    recording then becomes one student sample (``student_views='all'``,
    which amortises the teacher over V student samples) or one random view
    is drawn (``'random'``). For a student view with embedding ``z_S`` and
    logits ``p_S``::

        L = CE(p_S, y) + 1.0·T²·KL(σ(p_T/T) ‖ σ(p_S/T))          (T = 4)
            + 1.0·mean(1 − cos(z_S, c))                           (anchor)
            + 1.0·mean_v (1 − cos(c + γ_v⊙W z_S + β_v, z_v))      (recon.)

    ``logit_loss`` (default ``SoftTargetKLLoss``, T = 4) takes the logits and
    ``feature_loss`` (default ``FMRDLoss``: anchor + reconstruction) the
    embeddings; either can be None for ablations, and their weights and T
    are set in their configs. The reconstruction heads are indexed by camera
    id. Validation and test run the student alone on one
    view (mmaction2's ``PoseDataset``).

    The teacher is given as a config (path or dict) plus checkpoint; or
    ``teacher_cache`` (from ``tools/cache_teacher.py``) replaces it. The
    cache holds the teacher's outputs on the test-mode clip of each
    recording, so it equals the online teacher exactly when the training
    pipeline feeds the teacher that same clip (no random sampling or
    augmentation); otherwise it is an approximation.

    ``init_student_from_teacher`` names student submodules (e.g.
    ``('backbone',)``) that start from the teacher checkpoint's weights
    instead of a random init, when both have the same architecture: the
    student then fine-tunes the backbone that multi-view training shaped.
    The checkpoint is ``teacher_ckpt`` or, with a cache and no
    ``teacher_ckpt``, the one the cache records; keys must match exactly.
    """

    def __init__(self,
                 student: Dict,
                 teacher: Union[str, Dict, None] = None,
                 teacher_ckpt: Optional[str] = None,
                 teacher_cache: Optional[str] = None,
                 logit_loss: Optional[Dict] = dict(
                     type='SoftTargetKLLoss', temperature=4.0),
                 feature_loss: Optional[Dict] = dict(type='FMRDLoss'),
                 student_views: str = 'all',
                 init_student_from_teacher: Sequence[str] = (),
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if student_views not in ('all', 'random'):
            raise ValueError(f"student_views must be 'all' or 'random', got "
                             f'{student_views!r}')
        self.student_views = student_views
        self.student = MODELS.build(student)
        self.teacher = None
        self.cache = None
        if teacher_cache is not None:
            self.cache = load_teacher_cache(teacher_cache)
        elif teacher is not None:
            if teacher_ckpt is None:
                raise ValueError('KDMVNetDistiller needs teacher_ckpt with a '
                                 'teacher config (or a teacher_cache)')
            self.teacher = build_frozen_teacher(teacher, teacher_ckpt)
        if init_student_from_teacher:
            self._init_student_from(teacher_ckpt, init_student_from_teacher)
        self.logit_loss = MODELS.build(logit_loss) if logit_loss else None
        self.feature_loss = MODELS.build(feature_loss) \
            if feature_loss else None

    def _init_student_from(self, teacher_ckpt, names) -> None:
        ckpt = teacher_ckpt
        if ckpt is None and self.cache is not None:
            ckpt = self.cache.get('meta', {}).get('checkpoint')
        if not ckpt:
            raise ValueError('init_student_from_teacher needs teacher_ckpt '
                             '(or a teacher_cache that records it)')
        for name in names:
            module = getattr(self.student, name, None)
            if not isinstance(module, torch.nn.Module):
                raise ValueError('init_student_from_teacher: the student has '
                                 f'no submodule {name!r}')
            source = getattr(self.teacher, name, None)
            if isinstance(source, torch.nn.Module):
                # the online teacher holds these weights already: no
                # second read of its checkpoint
                load_state_checked(module, source.state_dict(),
                                   f'teacher {name} ({ckpt})',
                                   f'student {name}')
            else:
                load_state_strict(module, ckpt, prefix=name + '.')
            # mmengine's init_weights skips modules marked initialised, so
            # the Runner keeps the copied weights.
            module._is_init = True

    def train(self, mode: bool = True):
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # always: BN statistics and dropout frozen
        return self

    # --------------------------------------------------------------- teacher
    @torch.no_grad()
    def teacher_targets(self, x: Tensor, mask: Tensor,
                        data_samples: List) -> Dict[str, Tensor]:
        """``z_views [N, V, D]``, ``logits [N, K]`` for the batch's views."""
        if self.cache is not None:
            return self._cached_targets(mask, data_samples)
        if self.teacher is None:
            raise RuntimeError('no teacher and no teacher_cache configured')
        out = self.teacher.extract_views(x, mask)
        return dict(
            z_views=out['z_views'].detach(),
            logits=self.teacher.cls_head(out['fused']).detach())

    def _cached_targets(self, mask, data_samples) -> Dict[str, Tensor]:
        c = self.cache
        z, logits = [], []
        for n, ds in enumerate(data_samples):
            rec = ds.metainfo.get('recording')
            if rec not in c['index']:
                raise KeyError(f'recording {rec!r} is not in the teacher '
                               'cache; rebuild it with tools/cache_teacher.py')
            i = c['index'][rec]
            cam = {int(v): j for j, v in enumerate(c['view_ids'][i])
                   if c['view_mask'][i][j]}
            zr = c['z_views'].new_zeros(
                (len(ds.view_ids), c['z_views'].shape[-1]))
            for j, v in enumerate(ds.view_ids.tolist()):
                if bool(mask[n, j]):
                    if v not in cam:
                        raise KeyError(f'recording {rec!r}: view {v} is not '
                                       'in the teacher cache')
                    zr[j] = c['z_views'][i, cam[v]]
            z.append(zr)
            logits.append(c['logits'][i])
        dev = mask.device
        return dict(
            z_views=torch.stack(z).to(dev), logits=torch.stack(logits).to(dev))

    # ---------------------------------------------------------------- modes
    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.student.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.student(inputs, data_samples, mode='tensor')
        raise RuntimeError(f'Invalid mode "{mode}"')

    def _student_rows(self, mask: Tensor) -> Tensor:
        """(recording, view) pairs the student trains on, ``[B', 2]``."""
        if self.student_views == 'all':
            return mask.nonzero()
        pick = torch.multinomial(mask.float(), 1).squeeze(1)
        return torch.stack([torch.arange(len(pick), device=mask.device), pick],
                           dim=1)

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        if inputs.dim() != 7:
            raise ValueError('KDMVNetDistiller trains on MultiViewPoseDataset '
                             'batches [N, 1, V, M, T, J, C], got '
                             f'{tuple(inputs.shape)}')
        x, mask, nc = split_inputs(inputs, data_samples)
        if nc != 1:
            raise ValueError(f'training takes one clip per sample, got {nc}')
        targets = self.teacher_targets(x, mask, data_samples)

        rows = self._student_rows(mask)
        n_idx, v_idx = rows[:, 0], rows[:, 1]
        xs = x[n_idx, v_idx].unsqueeze(1)  # one view per student sample
        s = self.student.extract_views(
            xs, torch.ones(len(rows), 1, dtype=torch.bool, device=x.device))
        z_s = s['fused']
        logits_s = self.student.cls_head(z_s)
        labels = torch.stack([ds.gt_label.reshape(())
                              for ds in data_samples]).to(x.device)[n_idx]

        head = self.student.cls_head
        losses = dict(loss_cls=head.loss_cls(logits_s, labels))
        losses['top1_acc'] = (logits_s.argmax(1) == labels).float().mean()
        view_ids = torch.stack([ds.view_ids for ds in data_samples]).to(
            x.device)
        if self.logit_loss is not None:
            losses['loss_kl'] = self.logit_loss(logits_s,
                                                targets['logits'][n_idx])
        if self.feature_loss is not None:
            losses.update(
                self.feature_loss(z_s, targets['z_views'][n_idx], mask[n_idx],
                                  view_ids[n_idx]))
        # one view per student sample: rate and smooth, no sync
        losses.update(self.student.gate_regularisers(s))
        return losses
