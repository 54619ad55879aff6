"""Building a frozen teacher and reading the teacher-feature cache."""
import os.path as osp
from typing import Dict, Optional, Union

import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

from mmaction.registry import MODELS

# Keys of training-only state that a teacher checkpoint may carry but a
# distiller's teacher does not need (DP-VIC prototype banks).
TRAINING_ONLY_PREFIXES = ('dpvic.', )


def teacher_model_cfg(teacher: Union[str, Dict]) -> Dict:
    """The teacher's model dict from a config path or a dict."""
    if isinstance(teacher, str):
        if not osp.isfile(teacher):
            raise FileNotFoundError(f'teacher config {teacher} not found')
        teacher = Config.fromfile(teacher).model
    cfg = dict(teacher)
    cfg.pop('dpvic', None)  # the prototype banks stay out of distillation
    return cfg


def resolve_checkpoint(path: str, what: str = 'teacher') -> str:
    """A checkpoint file, or a work dir whose ``last_checkpoint`` names one."""
    if path and osp.isdir(path):
        marker = osp.join(path, 'last_checkpoint')
        if not osp.isfile(marker):
            raise FileNotFoundError(
                f'{what} checkpoint: {path} is a directory without a '
                f'last_checkpoint file; train the {what} there first')
        with open(marker) as f:
            path = f.read().strip()
    return path


def load_state_strict(model: nn.Module,
                      ckpt_path: str,
                      ignore_prefixes=TRAINING_ONLY_PREFIXES,
                      what: str = 'teacher',
                      prefix: str = '') -> None:
    """Load ``ckpt_path`` into ``model``; raise naming missing/unexpected keys.

    ``prefix``: when the checkpoint holds keys ``prefix + name`` (e.g. a
    distillation checkpoint's ``student.``), only those are loaded.
    """
    ckpt_path = resolve_checkpoint(ckpt_path, what)
    if not ckpt_path or not osp.isfile(ckpt_path):
        raise FileNotFoundError(f'{what} checkpoint {ckpt_path} not found')
    ckpt = _load_checkpoint(ckpt_path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise ValueError(f'{ckpt_path}: field state_dict: not a state dict')
    state = {(k[7:] if k.startswith('module.') else k): v
             for k, v in state.items()}
    if prefix and any(k.startswith(prefix) for k in state):
        state = {k[len(prefix):]: v for k, v in state.items()
                 if k.startswith(prefix)}
    state = {
        k: v
        for k, v in state.items() if not k.startswith(ignore_prefixes)
    }
    load_state_checked(model, state, f'{what} checkpoint {ckpt_path}',
                       f'the {what} config')


def load_state_checked(model: nn.Module, state: Dict, source: str,
                       target: str) -> None:
    """``model.load_state_dict(state)``, raising first with the missing,
    unexpected and shape-mismatched keys named (``source`` / ``target``
    say where the weights come from and go to, for the message)."""
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = sorted(k for k in set(own) & set(state)
                        if own[k].shape != state[k].shape)
    if missing or unexpected or mismatched:
        def fmt(keys):
            return ', '.join(keys[:8]) + (' ...' if len(keys) > 8 else '')
        raise ValueError(
            f'{source} does not match {target}: missing keys '
            f'[{fmt(missing)}], unexpected keys [{fmt(unexpected)}], shape '
            'mismatch [' + ', '.join(
                f'{k}: ckpt {tuple(state[k].shape)} vs model '
                f'{tuple(own[k].shape)}' for k in mismatched[:8]) + ']')
    model.load_state_dict(state, strict=True)


def build_frozen_teacher(teacher: Union[str, Dict],
                         ckpt_path: Optional[str]) -> nn.Module:
    model = MODELS.build(teacher_model_cfg(teacher))
    if ckpt_path is not None:
        load_state_strict(model, ckpt_path)
        # mmengine's init_weights skips modules marked initialised, so the
        # Runner does not overwrite the loaded teacher.
        model._is_init = True
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def load_teacher_cache(path: str) -> Dict:
    """Load a cache written by ``tools/cache_teacher.py``."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'teacher cache {path} not found')
    try:
        cache = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:  # torch raises several types for a bad file
        raise ValueError(f'{path}: corrupt teacher cache ({e!r})') from e
    need = ('recordings', 'view_ids', 'view_mask', 'z_views', 'logits')
    for k in need:
        if k not in cache:
            raise ValueError(f'{path}: field {k!r}: missing from the cache')
    cache['index'] = {r: i for i, r in enumerate(cache['recordings'])}
    return cache
