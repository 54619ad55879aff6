_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['kdmvnet_mm'], allow_failed_imports=False)
# 'nccl' fails on CPU-only machines; tools/train.py switches to gloo there.
env_cfg = dict(dist_cfg=dict(backend='nccl'))
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=2))
