# The long N-UCLA schedule with the KD-MVNet gradient clipping.
_base_ = './sgd_warmup_cosine_200e.py'
optim_wrapper = dict(clip_grad=dict(max_norm=1.0))
