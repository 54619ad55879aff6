"""Skeleton input streams (joint, bone, motion) of any skeleton config."""
from typing import Sequence

from mmengine.config import Config

from .experiment import LOADERS

# mmaction2's GenSkeFeat feature names; 'jm'/'bm' are the motions.
STREAMS = ('j', 'b', 'jm', 'bm')


def set_stream(cfg: Config, feats: Sequence[str]) -> Config:
    """Point every ``GenSkeFeat`` of every dataloader at ``feats``.

    One config then serves all streams (mmaction2 keeps a copy of the
    config per stream instead). Several ``feats`` (``['j', 'b', 'jm']``)
    make one early-fused stream: GenSkeFeat concatenates them along the
    channel axis, so the input channels of the model's backbones (a
    student's teacher too) and example inputs are scaled to match. Fails
    when a loader has no GenSkeFeat, as the stream would then silently stay
    the joint one.
    """
    feats = list(feats)
    bad = [f for f in feats if f not in STREAMS]
    if bad:
        raise ValueError(f'unknown skeleton stream(s) {bad}; use {STREAMS}')
    old = None
    for key in LOADERS:
        loader = cfg.get(key)
        if loader is None:
            continue
        steps = [t for t in loader.dataset.pipeline
                 if t.get('type') == 'GenSkeFeat']
        if not steps:
            raise ValueError(f'{key}.dataset.pipeline has no GenSkeFeat, '
                             f'so stream {feats} cannot be set')
        for t in steps:
            old = t.get('feats', ['j'])
            t['feats'] = feats
    # top-level pipelines too: tools/cache_teacher.py reads mv_test_pipeline
    for key, value in cfg.items():
        if key.endswith('pipeline') and isinstance(value, list):
            for t in value:
                if isinstance(t, dict) and t.get('type') == 'GenSkeFeat':
                    t['feats'] = feats
    if old is not None and len(feats) != len(old) \
            and cfg.get('model') is not None:
        # GenSkeFeat concatenates the streams along the channel axis
        channels = _input_channels(cfg.model)
        if channels == 0:
            raise ValueError(
                f'model: no backbone dict, so its input channels cannot be '
                f'sized for stream(s) {feats}; set them yourself')
        if channels % len(old):
            raise ValueError(
                f'model: backbone in_channels {channels} is not a multiple of '
                f'the {len(old)} stream(s) {old} of the config')
        _set_input_channels(cfg.model, channels // len(old) * len(feats))
    return cfg


def _input_channels(model: dict) -> int:
    """The input channels of the first skeleton backbone in a model dict
    (mmaction2's ST-GCN family defaults to 3)."""
    for key, value in model.items():
        if key == 'backbone' and isinstance(value, dict):
            return value.get('in_channels', 3)
        if isinstance(value, dict):
            found = _input_channels(value)
            if found:
                return found
    return 0


def _set_input_channels(model: dict, channels: int) -> None:
    """``in_channels`` of every backbone in a model dict, students and
    teachers included (a teacher given by its config path is read into a
    dict), and the channel axis of every ``(M, T, V, C)`` example input."""
    for key, value in list(model.items()):
        if key == 'teacher' and isinstance(value, str):
            model[key] = Config.fromfile(value).model.to_dict()
            value = model[key]  # a ConfigDict stores a converted copy
        if key == 'backbone' and isinstance(value, dict):
            value['in_channels'] = channels
        elif key == 'example_input' and value is not None \
                and len(value) == 4:
            model[key] = tuple(value[:3]) + (channels, )
        if isinstance(value, dict):
            _set_input_channels(value, channels)
