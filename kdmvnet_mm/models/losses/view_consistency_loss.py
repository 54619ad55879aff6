"""ViCoKD's view-aware consistency between the class distributions of the
views of one recording."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class ViewConsistencyLoss(BaseModule):
    """Co-visibility-gated, confidence-weighted Jensen–Shannon divergence
    between views (DESIGN.md §4, View-aware Consistency)::

        L = loss_weight · Σ_n Σ_{i<j} m_ij · w_ij · JS(p_i, p_j)
                          / max(Σ_n Σ_{i<j} m_ij, 1)

    over the recordings n of the batch and the pairs of its views i < j.
    The sum is normalised by the number of co-visible pairs (not by the
    weights), so a batch with few such pairs is not up-weighted per pair
    beyond 1.

    - ``p_i [K]``: view i's predicted class distribution (softmax); with
      ``multi_label`` one Bernoulli per class (sigmoid probabilities) and
      ``JS`` the per-class Bernoulli JS averaged over the K classes.
    - ``JS(p, q) = ½ KL(p ‖ μ) + ½ KL(q ‖ μ)``, ``μ = (p + q) / 2``, natural
      log, ``0 log 0 = 0``; it lies in [0, ln 2], is symmetric and is 0 for
      equal distributions. Gradients reach both views.
    - ``w_ij = c_i · c_j`` with the detached confidence ``c`` of a view:
      ``confidence='max'``: ``c = max_k p_k`` (multi-label: ``mean_k
      max(p_k, 1 − p_k)``); ``'normalised'``: the same rescaled so that a
      uniform prediction has 0 and a one-hot one 1, ``c = (max_k p_k − 1/K)
      / (1 − 1/K)`` (multi-label: ``mean_k |2 p_k − 1|``).
    - ``m_ij`` (co-visibility) = 1 when both views exist (``view_mask``) and
      the person is reliably seen in both: ``vis_i ≥ min_visible`` and
      ``vis_j ≥ min_visible``. For per-joint scores ``s [M, T, J]`` of a
      view, ``vis`` is the share of joints with ``s > score_thr``, averaged
      over the frames and the persons present in the clip (a person slot
      whose scores are all 0 is padding and is left out; a view without
      any person has ``vis = 0``). Data without confidence scores (3D NTU,
      N-UCLA) pass ``s = 1`` for joints with non-zero coordinates, 0
      otherwise, so the rule becomes "the person's joints are there in both
      views". ``visibility [N, V]`` may be given directly instead.

    Args:
        score_thr: a joint counts as seen when its score is above this.
        min_visible: share of seen joints a view needs.
        multi_label: per-class Bernoulli distributions (sigmoid heads).
        confidence: ``'max'`` or ``'normalised'`` (see above).
        loss_weight: the overall weight.
        eps: floor inside the logarithms.
    """

    def __init__(self,
                 score_thr: float = 0.5,
                 min_visible: float = 0.8,
                 multi_label: bool = False,
                 confidence: str = 'max',
                 loss_weight: float = 1.0,
                 eps: float = 1e-8,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if confidence not in ('max', 'normalised'):
            raise ValueError("confidence must be 'max' or 'normalised', got "
                             f'{confidence!r}')
        if not 0.0 <= min_visible <= 1.0:
            raise ValueError(f'min_visible must be in [0, 1], got '
                             f'{min_visible}')
        self.score_thr = score_thr
        self.min_visible = min_visible
        self.multi_label = multi_label
        self.confidence = confidence
        self.loss_weight = loss_weight
        self.eps = eps

    # ------------------------------------------------------------ parts
    def visibility(self, scores: Tensor) -> Tensor:
        """``vis [N, V]`` from per-joint scores ``[N, V, M, T, J]``."""
        if scores.dim() != 5:
            raise ValueError('scores must be [N, V, M, T, J], got '
                             f'{tuple(scores.shape)}')
        seen = (scores > self.score_thr).float().mean(-1)  # [N, V, M, T]
        present = (scores > 0).flatten(3).any(-1).float()  # [N, V, M]
        per_person = seen.mean(-1)  # [N, V, M]
        return (per_person * present).sum(-1) / present.sum(-1).clamp(min=1)

    def co_visibility(self, view_mask: Tensor,
                      visibility: Tensor) -> Tensor:
        """``m [N, V, V]``: both views exist and both are reliably seen."""
        ok = view_mask.bool() & (visibility >= self.min_visible)
        return ok[:, :, None] & ok[:, None, :]

    def view_confidence(self, probs: Tensor) -> Tensor:
        """Detached ``c [N, V]`` (see the class docstring)."""
        p = probs.detach()
        K = p.shape[-1]
        if self.multi_label:
            if self.confidence == 'max':
                return torch.maximum(p, 1 - p).mean(-1)
            return (2 * p - 1).abs().mean(-1)
        c = p.max(-1).values
        if self.confidence == 'normalised':
            c = (c - 1.0 / K) / max(1.0 - 1.0 / K, self.eps)
        return c.clamp(min=0)

    def js(self, p: Tensor, q: Tensor) -> Tensor:
        """JS divergence over the last axis (per-class Bernoulli JS averaged
        over classes with ``multi_label``)."""
        if self.multi_label:
            p = torch.stack([p, 1 - p], -1)
            q = torch.stack([q, 1 - q], -1)
        m = 0.5 * (p + q)
        log_m = m.clamp(min=self.eps).log()
        kl_p = (p * (p.clamp(min=self.eps).log() - log_m)).sum(-1)
        kl_q = (q * (q.clamp(min=self.eps).log() - log_m)).sum(-1)
        out = 0.5 * (kl_p + kl_q)
        return out.mean(-1) if self.multi_label else out

    # ------------------------------------------------------------ loss
    def forward(self,
                probs: Tensor,
                view_mask: Tensor,
                scores: Optional[Tensor] = None,
                visibility: Optional[Tensor] = None) -> Tensor:
        """Args:
            probs: ``[N, V, K]`` per-view probabilities (softmax, or
                sigmoid with ``multi_label``); rows of missing views are
                ignored.
            view_mask: ``[N, V]`` bool, the views that exist.
            scores: ``[N, V, M, T, J]`` per-joint scores, or
            visibility: ``[N, V]`` precomputed ``vis``; with neither, every
                existing view counts as seen.

        Returns:
            Tensor: the scalar loss.
        """
        if probs.dim() != 3 or view_mask.shape != probs.shape[:2]:
            raise ValueError(
                f'probs must be [N, V, K] and view_mask [N, V], got '
                f'{tuple(probs.shape)} and {tuple(view_mask.shape)}')
        if visibility is None:
            visibility = self.visibility(scores) if scores is not None \
                else torch.ones(view_mask.shape, device=probs.device)
        if visibility.shape != view_mask.shape:
            raise ValueError(f'visibility {tuple(visibility.shape)} does not '
                             f'match view_mask {tuple(view_mask.shape)}')
        V = probs.shape[1]
        m = self.co_visibility(view_mask, visibility)
        m = m & torch.ones(V, V, dtype=torch.bool,
                           device=m.device).triu(1)  # pairs i < j
        if not bool(m.any()):
            return probs.sum() * 0.0  # keeps the graph for DDP
        c = self.view_confidence(probs)
        w = c[:, :, None] * c[:, None, :]
        n, i, j = m.nonzero(as_tuple=True)
        js = self.js(probs[n, i], probs[n, j])
        total = (w[n, i, j] * js).sum()
        return self.loss_weight * total / m.sum().clamp(min=1)
