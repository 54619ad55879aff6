"""Skeleton streams stacked on the channel axis, and feature pooling.

The MMCV pipelines run mmaction2's ``GenSkeFeat`` with
``feats=['j', 'jm', 'b']``, so a clip holds ``C = 3 · S`` channels: joint,
joint motion (frame difference) and bone (joint − parent), three each.
"""
from typing import Sequence

from torch import Tensor

#: Stream name -> the ``GenSkeFeat`` feature that carries it.
STREAM_FEATS = dict(joint='j', motion='jm', bone='b')


def check_streams(streams: Sequence[str], what: str = 'streams') -> tuple:
    """The streams as a tuple; ValueError naming ``what`` for an unknown,
    repeated or empty list."""
    streams = tuple(streams)
    unknown = [s for s in streams if s not in STREAM_FEATS]
    if not streams or unknown or len(set(streams)) != len(streams):
        raise ValueError(
            f'{what}: expected distinct names from {sorted(STREAM_FEATS)}, '
            f'got {list(streams)}')
    return streams


def select_stream(x: Tensor, stream: str, streams: Sequence[str],
                  stream_channels: int = 3) -> Tensor:
    """Channels of ``stream`` from ``x [..., S · stream_channels]`` whose
    last axis stacks ``streams`` in order."""
    if stream not in streams:
        raise ValueError(f'stream: {stream!r} is not one of the input '
                         f'streams {list(streams)}')
    want = len(streams) * stream_channels
    if x.shape[-1] != want:
        raise ValueError(
            f'inputs: the last axis must stack {len(streams)} streams '
            f'{list(streams)} of {stream_channels} channels ({want}), got '
            f'shape {tuple(x.shape)}; the pipeline needs GenSkeFeat with '
            f'feats={[STREAM_FEATS[s] for s in streams]}')
    i = streams.index(stream) * stream_channels
    return x[..., i:i + stream_channels]


def pool_features(feat: Tensor) -> Tensor:
    """``[N, C]`` from a backbone output: ``[N, C]`` as is, or the mean over
    persons, frames and joints of a GCN's ``[N, M, C, T, V]``."""
    if feat.dim() == 2:
        return feat
    if feat.dim() == 5:
        return feat.mean(dim=(1, 3, 4))
    raise ValueError('backbone output must be [N, C] or [N, M, C, T, V], '
                     f'got {tuple(feat.shape)}')
