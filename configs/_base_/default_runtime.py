_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['kdmvnet_mm'], allow_failed_imports=False)
# 'nccl' fails on CPU-only machines; tools/train.py switches to gloo there.
env_cfg = dict(dist_cfg=dict(backend='nccl'))
# rng_state: random states in checkpoints, so --resume repeats the
# uninterrupted run (see kdmvnet_mm/engine/hooks/rng_state_hook.py).
default_hooks = dict(
    checkpoint=dict(interval=1, max_keep_ckpts=2),
    rng_state=dict(type='RNGStateHook'))
