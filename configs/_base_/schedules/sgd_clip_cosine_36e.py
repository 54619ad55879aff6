# 36 epochs of the clipped KD-MVNet schedule (N-UCLA CPU student: every model
# here is still underfitting after 12 epochs).
_base_ = './sgd_clip_cosine_12e.py'
train_cfg = dict(max_epochs=36, val_interval=6)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=36,
        by_epoch=True,
        convert_to_iter_based=True)
]
