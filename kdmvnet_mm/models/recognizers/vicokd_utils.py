"""Input handling shared by the ViCoKD teacher, student and distiller."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from .multiview_utils import split_inputs

# A modality is a channel range of a skeleton tensor (streams merged by
# GenSkeFeat along the last axis) or a key of dict inputs (RGB + pose).
ModalitySpec = Union[Sequence[int], str]


def check_modalities(modalities: Dict[str, ModalitySpec]) -> Dict:
    """Normalise ``dict(name=(start, stop) | 'input_key')``."""
    if not modalities:
        raise ValueError('modalities must name at least one modality')
    out = {}
    for name, spec in modalities.items():
        if isinstance(spec, str):
            out[name] = spec
            continue
        spec = tuple(int(s) for s in spec)
        if len(spec) != 2 or not 0 <= spec[0] < spec[1]:
            raise ValueError(
                f'modalities[{name!r}] must be a channel range (start, stop) '
                f'with 0 <= start < stop, or an input key; got {spec}')
        out[name] = spec
    return out


def split_modalities(inputs: Union[Tensor, Dict[str, Tensor]],
                     data_samples: Optional[List],
                     modalities: Dict[str, ModalitySpec]
                     ) -> Tuple[Dict[str, Tensor], Tensor, int]:
    """Per-modality inputs ``[N·nc, V, ...]``, view mask ``[N·nc, V]``, nc.

    Skeleton tensors (7-D multi-view or 6-D single view, see
    :func:`split_inputs`) are sliced along the channel axis; dict inputs
    are looked up by key.
    """
    out, mask, nc = {}, None, None
    if isinstance(inputs, dict):
        for name, spec in modalities.items():
            if not isinstance(spec, str) or spec not in inputs:
                raise KeyError(
                    f'modalities[{name!r}] = {spec!r}: dict inputs need an '
                    f'input key; the batch has {sorted(inputs)}')
            out[name], mask, nc = split_inputs(inputs[spec], data_samples)
        return out, mask, nc
    x, mask, nc = split_inputs(inputs, data_samples)
    C = x.shape[-1]
    for name, spec in modalities.items():
        if isinstance(spec, str):
            raise KeyError(f'modalities[{name!r}] = {spec!r} names an input '
                           'key, but the inputs are one tensor')
        if spec[1] > C:
            raise ValueError(
                f'modalities[{name!r}] = channels {spec} but the inputs have '
                f'{C} channels (shape {tuple(x.shape)}); check GenSkeFeat '
                'feats in the pipeline')
        out[name] = x[..., spec[0]:spec[1]]
    return out, mask, nc


def joint_scores(x: Tensor,
                 score_channel: Optional[int] = None,
                 coord_channels: Sequence[int] = (0, 3)) -> Tensor:
    """Per-joint scores ``[N, V, M, T, J]`` of skeleton inputs
    ``[N, V, M, T, J, C]``: channel ``score_channel`` (the
    ``keypoint_score`` that ``FormatGCNInput`` appends), or, for data
    without scores, 1 where the joint's coordinates are non-zero."""
    if x.dim() != 6:
        raise ValueError('joint scores need skeleton inputs [N, V, M, T, J, '
                         f'C], got {tuple(x.shape)}')
    if score_channel is not None:
        if not -x.shape[-1] <= score_channel < x.shape[-1]:
            raise ValueError(f'score_channel={score_channel} but the inputs '
                             f'have {x.shape[-1]} channels')
        return x[..., score_channel]
    a, b = coord_channels
    return (x[..., a:b] != 0).any(-1).to(x.dtype)


def per_view_labels(data_samples: List, mask: Tensor,
                    multi_label: bool) -> Tensor:
    """Labels of the valid views in (n, v) order: class ids ``[B']`` or
    multi-hot ``[B', K]``."""
    if multi_label:
        y = torch.stack([ds.gt_label.float().reshape(-1)
                         for ds in data_samples])
    else:
        y = torch.stack([ds.gt_label.reshape(()) for ds in data_samples])
    y = y.to(mask.device)
    return y.repeat_interleave(mask.sum(dim=1), dim=0)
