"""KD-MVNet multi-view recognizer (the teacher)."""
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmaction.registry import MODELS
from .multiview_utils import (FEAT_LAYOUTS, masked_view_mean,
                              merge_loss_weights, pool_to_frames,
                              split_inputs)


@MODELS.register_module()
class MultiViewRecognizer(BaseModel):
    """Shared backbone on every view, EG-SSM, masked view fusion, classifier.

    DESIGN.md §2, teacher: for each available view ``v`` of a recording,
    ``x_v[t]`` = the backbone output pooled over persons and joints (or
    space), projected to ``embed_dims`` (D = 256); EG-SSM gives the pooled
    embedding ``z_v`` and gates ``g_v``; the views are fused by a masked mean
    ``z = Σ_v m_v z_v / Σ_v m_v`` and classified by ``cls_head``. Training
    loss::

        CE + w_dpvic·DP-VIC + w_rate·rate + w_smooth·smooth + w_sync·sync

    (weights 1.0, 0.1, 0.05, 0.1 by default, ``loss_weights`` in config).
    Two training aids beyond the paper, both off by default:
    ``view_dropout`` p fuses, for the CE term, a random subset of each
    recording's valid views (each dropped with probability p, at least one
    kept), so the classifier also sees the fewer-view fusions it meets at
    test time; ``loss_weights['view_cls']`` w adds ``w · mean_v CE(z_v)``,
    the classifier on every valid view's embedding alone.
    DP-VIC reads the per-view descriptor ``normalise(mean_t x_v[t])``, taken
    before EG-SSM. Without a neck (``neck=None``) ``z_v = mean_t x_v[t]``.

    Inputs: ``[N, nc, V, M, T, J, C]`` with ``view_mask`` from
    :class:`MultiViewPoseDataset`, or ``[N, nc, M, T, J, C]`` (one view) from
    mmaction2's ``PoseDataset``; so ``predict`` works on any subset of views,
    including one. The backbone runs on the valid views only. With one view
    and a one-layer neck this is also the KD-MVNet single-view student.

    Args:
        backbone: any mmaction2 backbone config (STGCN, ST-GCN++, ...).
        cls_head: head on ``[N, embed_dims]``, e.g. ``EmbeddingClsHead``.
        neck: ``EGSSM`` config or None (mean pooling).
        dpvic: ``DualPrototypeLoss`` config or None.
        embed_dims: D, the projected frame-feature width.
        feat_layout: backbone output layout, ``'NMCTV'`` (GCN) or
            ``'NCTHW'`` (3D CNN).
        example_input: one view's input shape ``(M, T, J, C)`` used at build
            time to check the backbone's output shape; None skips the check.
        loss_weights: weights of dpvic, rate, smooth, sync and view_cls.
        view_dropout: probability of dropping a view from the fused CE.
    """

    def __init__(self,
                 backbone: Dict,
                 cls_head: Dict,
                 neck: Optional[Dict] = None,
                 dpvic: Optional[Dict] = None,
                 embed_dims: int = 256,
                 feat_layout: str = 'NMCTV',
                 example_input: Optional[tuple] = (2, 16, 25, 3),
                 loss_weights: Optional[Dict] = None,
                 view_dropout: float = 0.0,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if feat_layout not in FEAT_LAYOUTS:
            raise ValueError(f'feat_layout {feat_layout!r} not in '
                             f'{sorted(FEAT_LAYOUTS)}')
        self.feat_layout = feat_layout
        self.embed_dims = embed_dims
        self.backbone = MODELS.build(backbone)
        feat_channels = self._probe_backbone(example_input)
        self.proj = nn.LazyLinear(embed_dims) if feat_channels is None \
            else nn.Linear(feat_channels, embed_dims)
        self.neck = MODELS.build(neck) if neck else None
        self.cls_head = MODELS.build(cls_head)
        self.dpvic = MODELS.build(dpvic) if dpvic else None
        self.loss_weights = merge_loss_weights(
            dict(dpvic=1.0, rate=0.1, smooth=0.05, sync=0.1, view_cls=0.0),
            loss_weights)
        if not 0.0 <= view_dropout < 1.0:
            raise ValueError(f'view_dropout must lie in [0, 1), got '
                             f'{view_dropout}')
        self.view_dropout = view_dropout
        self._check_widths()

    # ---------------------------------------------------------------- build
    def _probe_backbone(self, example_input) -> Optional[int]:
        """Run the backbone once on zeros to learn (and check) its width."""
        if example_input is None:
            return None
        x = torch.zeros((1, ) + tuple(example_input))
        was_training = self.backbone.training
        self.backbone.eval()
        with torch.no_grad():
            out = self.backbone(x)
        self.backbone.train(was_training)
        if isinstance(out, (tuple, list)):
            out = out[-1]
        c_ax, t_ax = FEAT_LAYOUTS[self.feat_layout]
        # example_input is (M, T, J, C) for skeletons, (C, T, H, W) for RGB.
        ok = out.dim() == len(self.feat_layout) and \
            0 < out.shape[t_ax] <= x.shape[2]
        if ok and self.feat_layout == 'NMCTV':
            ok = out.shape[1] == x.shape[1] and out.shape[4] == x.shape[3]
        if not ok:
            raise ValueError(
                f'backbone {type(self.backbone).__name__} maps input '
                f'{tuple(x.shape)} to {tuple(out.shape)}, which does not fit '
                f'the layout {self.feat_layout} (persons, channels, time, '
                'joints); set feat_layout / example_input to match the '
                'backbone')
        return out.shape[c_ax]

    def _check_widths(self) -> None:
        neck_in = getattr(self.neck, 'in_channels', self.embed_dims)
        head_in = self.cls_head.in_channels
        if neck_in != self.embed_dims or head_in != self.embed_dims:
            raise ValueError(
                f'embed_dims={self.embed_dims} but neck.in_channels='
                f'{neck_in} and cls_head.in_channels={head_in}; they must '
                'be equal')

    # ------------------------------------------------------------- features
    def frame_features(self, x: Tensor) -> Tensor:
        """One view per row ``[B, M, T, J, C]`` -> projected ``[B, T', D]``."""
        feat = self.backbone(x)
        if isinstance(feat, (tuple, list)):
            feat = feat[-1]
        return self.proj(pool_to_frames(feat, self.feat_layout))

    def extract_views(self, x: Tensor, view_mask: Tensor) -> Dict[str, Tensor]:
        """Per-view embeddings of ``x [N, V, ...]`` (valid views only).

        Returns ``z_views [N, V, D]``, ``gates [N, V, T']`` (ones without a
        neck), ``fused [N, D]``, and for the valid views, flattened in
        (n, v) order: ``desc [B', D]`` (DP-VIC descriptors) and
        ``gate_valid [B', T']``.
        """
        n, v = x.shape[:2]
        if not bool(view_mask.any(dim=1).all()):
            bad = (~view_mask.any(dim=1)).nonzero().flatten().tolist()
            raise ValueError(f'samples {bad} of the batch have no valid view '
                             f'(view_mask {view_mask.tolist()})')
        valid = view_mask.reshape(-1)
        frames = self.frame_features(x.reshape((n * v, ) + x.shape[2:])[valid])
        desc = F.normalize(frames.mean(dim=1), dim=-1)
        if self.neck is not None:
            out = self.neck(frames)
            z, gate = out['z'], out['gate']
        else:
            z = frames.mean(dim=1)
            gate = frames.new_ones(frames.shape[:2])
        z_views = z.new_zeros((n * v, z.shape[-1]))
        z_views[valid] = z
        gates = gate.new_zeros((n * v, gate.shape[-1]))
        gates[valid] = gate
        z_views = z_views.reshape(n, v, -1)
        return dict(
            z_views=z_views,
            gates=gates.reshape(n, v, -1),
            fused=masked_view_mean(z_views, view_mask),
            desc=desc,
            gate_valid=gate)

    # ---------------------------------------------------------------- modes
    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            x, mask, _ = split_inputs(inputs, data_samples)
            return self.cls_head(self.extract_views(x, mask)['fused'])
        raise RuntimeError(f'Invalid mode "{mode}"')

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        x, mask, nc = split_inputs(inputs, data_samples)
        if nc != 1:
            raise ValueError(f'training takes one clip per sample, got {nc}')
        out = self.extract_views(x, mask)
        fused = out['fused']
        if self.view_dropout > 0:
            fused = masked_view_mean(out['z_views'], self._drop_views(mask))
        losses = self.cls_head.loss(fused, data_samples)
        w = self.loss_weights
        labels = self._per_view([ds.gt_label for ds in data_samples], mask)
        if w['view_cls'] > 0:
            z = out['z_views'][mask]
            losses['loss_view_cls'] = w['view_cls'] * self.cls_head.loss_cls(
                self.cls_head(z), labels)
        if self.dpvic is not None:
            if any('exec_idx' not in ds for ds in data_samples):
                raise KeyError('DP-VIC needs exec_idx in the data samples: '
                               'train on MultiViewPoseDataset')
            exec_idx = self._per_view(
                [ds.exec_idx for ds in data_samples], mask)
            losses['loss_dpvic'] = w['dpvic'] * self.dpvic(
                out['desc'], labels, exec_idx)
        losses.update(self.gate_regularisers(out, mask))
        return losses

    def gate_regularisers(self, out: Dict[str, Tensor],
                          view_mask: Optional[Tensor] = None) -> Dict:
        """Weighted EG-SSM rate and smooth losses of the valid views, and
        the cross-view sync loss when ``view_mask`` is given."""
        if self.neck is None or not hasattr(self.neck, 'gate_losses'):
            return {}
        w = self.loss_weights
        reg = self.neck.gate_losses(out['gate_valid'])
        losses = dict(
            loss_rate=w['rate'] * reg['loss_rate'],
            loss_smooth=w['smooth'] * reg['loss_smooth'])
        if view_mask is not None:
            losses['loss_sync'] = w['sync'] * self.neck.gate_losses(
                out['gates'].flatten(0, 1), view_mask=view_mask)['loss_sync']
        return losses

    def _drop_views(self, mask: Tensor) -> Tensor:
        """Drop each valid view with probability ``view_dropout``; a
        recording left with none keeps one of its valid views at random."""
        keep = mask & (torch.rand(mask.shape, device=mask.device) >=
                       self.view_dropout)
        empty = ~keep.any(dim=1)
        if bool(empty.any()):
            pick = torch.multinomial(mask[empty].float(), 1)
            keep[empty] = keep[empty].scatter(1, pick, True)
        return keep

    @staticmethod
    def _per_view(values: List[Tensor], mask: Tensor) -> Tensor:
        """One scalar per sample -> one per valid view, in (n, v) order."""
        return torch.stack([v.reshape(()) for v in values]).to(
            mask.device).repeat_interleave(mask.sum(dim=1))

    def predict(self, inputs: Tensor, data_samples: List) -> List:
        x, mask, nc = split_inputs(inputs, data_samples)
        out = self.extract_views(x, mask)
        preds = self.cls_head.predict(out['fused'], data_samples)
        # Per-view embeddings and gates, averaged over clips, for distillers
        # and for looking at which frames the model treats as events.
        n = len(preds)
        z_views = out['z_views'].reshape((n, nc) + out['z_views'].shape[1:])
        gates = out['gates'].reshape((n, nc) + out['gates'].shape[1:])
        for i, ds in enumerate(preds):
            ds.set_field(z_views[i].mean(0), 'view_embeddings')
            ds.set_field(gates[i].mean(0), 'gates')
        return preds
