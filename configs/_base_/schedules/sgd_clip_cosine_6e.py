# 6-epoch CPU presets (ViCoKD synthetic): sgd_clip_cosine_12e, halved.
_base_ = './sgd_clip_cosine_12e.py'
train_cfg = dict(max_epochs=6, val_interval=3)
param_scheduler = [
    dict(
        type='CosineAnnealingLR', eta_min=0, T_max=6, by_epoch=True,
        convert_to_iter_based=True)
]
