# CPU presets of the KD-MVNet schedule: 12 epochs, SGD + gradient clipping
# (see sgd_clip_cosine_16e.py for why clipping).
_base_ = './sgd_cosine_12e.py'
optim_wrapper = dict(clip_grad=dict(max_norm=1.0))
