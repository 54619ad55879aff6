"""ViCoKD teacher: multi-modal, multi-view, with cross-modal attention."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmaction.registry import MODELS
from ..utils.cross_modal_utils import sinusoidal_positions
from .multiview_utils import (FEAT_LAYOUTS, masked_view_mean,
                              merge_loss_weights, pool_to_frames)
from .vicokd_utils import check_modalities, per_view_labels, split_modalities


@MODELS.register_module()
class ViCoKDTeacher(BaseModel):
    """Per-modality backbones, cross-modal attention, masked view fusion.

    DESIGN.md §4, teacher. For every available view of a recording and
    every modality a (skeleton streams such as joint / bone / motion taken
    as channel ranges of the input, or RGB / heatmaps as keys of dict
    inputs, see ``modalities``):

    1. ``x_a [T', D]``: modality a's own backbone (same config, separate
       weights), pooled over persons and joints (or space), projected to D;
    2. ``L`` layers of :class:`CrossModalAttention`, all modalities updated
       in parallel: ``x_a ← Block_a^l(x_a + P, x_{≠a} + P)``, queries from a,
       keys and values from the other modalities' tokens (concatenated in
       time; P = sine time codes, added to every layer's input); with a
       single modality the block attends within it;
    3. ``z_v = mean_a mean_t x_a`` (the per-view embedding);
    4. ``z = Σ_v m_v z_v / Σ_v m_v`` over the valid views, ``cls_head(z)``.

    Loss: ``cls_head``'s (CE, or BCE with ``multi_class=True`` heads), plus
    ``loss_weights['view_cls'] · mean_v loss(cls_head(z_v))`` when > 0.
    Inputs are ``[N, nc, V, M, T, J, C]`` with ``view_mask`` from
    :class:`MultiViewPoseDataset` or ``[N, nc, M, T, J, C]`` (one view), so
    ``predict`` works on any subset of views, including one.

    Args:
        backbone: mmaction2 backbone config, built once per modality; or a
            dict ``{modality: config}``.
        cls_head: head on ``[N, embed_dims]`` (``EmbeddingClsHead``).
        modalities: ``dict(name=(start, stop))`` channel ranges of skeleton
            inputs (GenSkeFeat ``feats=['j', 'b']`` gives ``j=(0, 3),
            b=(3, 6)``) or ``dict(name='input_key')`` for dict inputs.
        embed_dims: D.
        num_layers: L cross-modal layers.
        cross_attn: :class:`CrossModalAttention` options (heads, FFN ratio,
            dropout).
        feat_layout: backbone output layout, ``'NMCTV'`` or ``'NCTHW'``
            (or a dict per modality).
        example_input: one view's ``(M, T, J)`` for skeletons; used at build
            time to learn the backbone width and to check the joint count of
            the inputs. None: lazy width, no check.
        loss_weights: ``view_cls``.
    """

    def __init__(self,
                 backbone: Dict,
                 cls_head: Dict,
                 modalities: Dict[str, Union[Sequence[int], str]] = dict(
                     j=(0, 3), b=(3, 6)),
                 embed_dims: int = 256,
                 num_layers: int = 2,
                 cross_attn: Optional[Dict] = None,
                 feat_layout: Union[str, Dict[str, str]] = 'NMCTV',
                 example_input: Optional[Sequence[int]] = (2, 16, 25),
                 loss_weights: Optional[Dict] = None,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.modalities = check_modalities(modalities)
        self.embed_dims = embed_dims
        self.example_input = None if example_input is None else \
            tuple(example_input)
        self.layouts = {
            m: feat_layout[m] if isinstance(feat_layout, dict) else
            feat_layout
            for m in self.modalities
        }
        for m, lay in self.layouts.items():
            if lay not in FEAT_LAYOUTS:
                raise ValueError(f'feat_layout of {m!r}: {lay!r} not in '
                                 f'{sorted(FEAT_LAYOUTS)}')
        self.backbones = nn.ModuleDict()
        self.proj = nn.ModuleDict()
        for m, spec in self.modalities.items():
            cfg = backbone[m] if 'type' not in backbone else backbone
            self.backbones[m] = MODELS.build(copy.deepcopy(cfg))
            width = self._probe_backbone(m, spec)
            self.proj[m] = nn.LazyLinear(embed_dims) if width is None \
                else nn.Linear(width, embed_dims)
        self.num_layers = num_layers
        self.cross_attn = dict(cross_attn or {})
        self.blocks = self._build_blocks(list(self.modalities))
        self.cls_head = MODELS.build(cls_head)
        if self.cls_head.in_channels != embed_dims:
            raise ValueError(
                f'cls_head.in_channels={self.cls_head.in_channels} must '
                f'equal embed_dims={embed_dims}')
        self.loss_weights = merge_loss_weights(
            dict(view_cls=0.0), loss_weights)

    @property
    def multi_label(self) -> bool:
        return bool(getattr(self.cls_head, 'multi_class', False))

    # ---------------------------------------------------------------- build
    def _build_blocks(self, names: List[str]) -> nn.ModuleList:
        """One :class:`CrossModalAttention` per token modality and layer."""
        cfg = dict(type='CrossModalAttention', embed_dims=self.embed_dims)
        cfg.update(self.cross_attn)
        return nn.ModuleList([
            nn.ModuleDict({m: MODELS.build(dict(cfg))
                           for m in names})
            for _ in range(self.num_layers)
        ])

    def _probe_backbone(self, name: str, spec) -> Optional[int]:
        """Backbone width of one modality from a zero input."""
        if self.example_input is None or isinstance(spec, str):
            return None
        M, T, J = self.example_input
        x = torch.zeros(1, M, T, J, spec[1] - spec[0])
        bb = self.backbones[name]
        was_training = bb.training
        bb.eval()
        with torch.no_grad():
            out = bb(x)
        bb.train(was_training)
        if isinstance(out, (tuple, list)):
            out = out[-1]
        if out.dim() != len(self.layouts[name]):
            raise ValueError(f'backbone of {name!r} maps {tuple(x.shape)} to '
                             f'{tuple(out.shape)}, not layout '
                             f'{self.layouts[name]}')
        return out.shape[FEAT_LAYOUTS[self.layouts[name]][0]]

    # ------------------------------------------------------------- features
    def split(self, inputs, data_samples):
        """Per-modality ``[N', V, ...]`` inputs, view mask, clips."""
        x, mask, nc = split_modalities(inputs, data_samples, self.modalities)
        if not bool(mask.any(dim=1).all()):
            bad = (~mask.any(dim=1)).nonzero().flatten().tolist()
            raise ValueError(f'samples {bad} of the batch have no valid view '
                             f'(field view_mask: {mask.tolist()})')
        if self.example_input is not None:
            J = self.example_input[2]
            for m, xm in x.items():
                if self.layouts[m] == 'NMCTV' and xm.shape[-2] != J:
                    raise ValueError(
                        f'modality {m!r}: inputs have {xm.shape[-2]} joints '
                        f'(shape {tuple(xm.shape)}) but the model is built '
                        f'for {J} (example_input / graph layout)')
        return x, mask, nc

    def tokens(self, x: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """One view per row ``{m: [B, ...]}`` -> projected ``{m: [B, T', D]}``
        (before the cross-modal blocks)."""
        out = {}
        for m, xm in x.items():
            feat = self.backbones[m](xm)
            if isinstance(feat, (tuple, list)):
                feat = feat[-1]
            out[m] = self.proj[m](pool_to_frames(feat, self.layouts[m]))
        return out

    def fuse(self, tokens: Dict[str, Tensor]) -> Tensor:
        """Cross-modal blocks, then the per-view embedding ``[B, D]``."""
        names = list(tokens)
        lengths = {t.shape[1] for t in tokens.values()}
        if len(lengths) != 1:
            raise ValueError('modalities give token sequences of different '
                             f'lengths {sorted(lengths)}; use backbones '
                             'with the same temporal stride')
        any_t = tokens[names[0]]
        pos = sinusoidal_positions(any_t.shape[1], self.embed_dims,
                                   any_t.device, any_t.dtype)
        h = dict(tokens)
        for layer in self.blocks:
            new = {}
            for m in names:
                kv = [h[o] + pos for o in names if o != m] or [h[m] + pos]
                new[m] = layer[m](h[m] + pos, torch.cat(kv, dim=1))
            h = new
        return torch.stack([h[m].mean(1) for m in names]).mean(0)

    def view_tokens(self, x: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """The tokens the blocks run on; the student adds adapted ones."""
        return self.tokens(x)

    def extract_views(self, inputs, data_samples) -> Dict:
        """Per-view embeddings of a batch (valid views only).

        Returns ``z_views [N', V, D]``, ``fused [N', D]``, ``mask [N', V]``,
        ``nc``, and, for the valid views in (n, v) order, ``tokens`` (the
        projected tokens ``{m: [B', T', D]}`` the blocks ran on).
        """
        x, mask, nc = self.split(inputs, data_samples)
        n, v = mask.shape
        valid = mask.reshape(-1)
        flat = {m: xm.reshape((n * v, ) + xm.shape[2:])[valid]
                for m, xm in x.items()}
        toks = self.view_tokens(flat)
        z = self.fuse(toks)
        z_views = z.new_zeros((n * v, z.shape[-1]))
        z_views[valid] = z
        z_views = z_views.reshape(n, v, -1)
        return dict(z_views=z_views, fused=masked_view_mean(z_views, mask),
                    mask=mask, nc=nc, tokens=toks)

    # ---------------------------------------------------------------- modes
    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.cls_head(
                self.extract_views(inputs, data_samples)['fused'])
        raise RuntimeError(f'Invalid mode "{mode}"')

    def loss(self, inputs, data_samples: List) -> Dict[str, Tensor]:
        out = self.extract_views(inputs, data_samples)
        if out['nc'] != 1:
            raise ValueError('training takes one clip per sample, got '
                             f'{out["nc"]}')
        losses = self.cls_head.loss(out['fused'], data_samples)
        w = self.loss_weights['view_cls']
        if w > 0:
            mask = out['mask']
            y = per_view_labels(data_samples, mask, self.multi_label)
            losses['loss_view_cls'] = w * self.cls_head.loss_cls(
                self.cls_head(out['z_views'][mask]), y)
        return losses

    def predict(self, inputs, data_samples: List) -> List:
        out = self.extract_views(inputs, data_samples)
        return self.cls_head.predict(out['fused'], data_samples)
