# CPU presets: 12 epochs of the KD-MVNet schedule (SGD + clipping), validation every 3.
_base_ = './sgd_clip_cosine_16e.py'
train_cfg = dict(max_epochs=12, val_interval=3)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=12,
        by_epoch=True,
        convert_to_iter_based=True)
]
