"""Skeleton input streams (joint, bone, motion) of any skeleton config."""
from typing import Sequence

from mmengine.config import Config

from .experiment import LOADERS

# mmaction2's GenSkeFeat feature names; 'jm'/'bm' are the motions.
STREAMS = ('j', 'b', 'jm', 'bm')


def set_stream(cfg: Config, feats: Sequence[str]) -> Config:
    """Point every ``GenSkeFeat`` of every dataloader at ``feats``.

    One config then serves all streams (mmaction2 keeps a copy of the
    config per stream instead). Fails when a loader has no GenSkeFeat, as
    the stream would then silently stay the joint one.
    """
    feats = list(feats)
    bad = [f for f in feats if f not in STREAMS]
    if bad:
        raise ValueError(f'unknown skeleton stream(s) {bad}; use {STREAMS}')
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
            t['feats'] = feats
    # top-level pipelines too: tools/cache_teacher.py reads mv_test_pipeline
    for key, value in cfg.items():
        if key.endswith('pipeline') and isinstance(value, list):
            for t in value:
                if isinstance(t, dict) and t.get('type') == 'GenSkeFeat':
                    t['feats'] = feats
    return cfg
