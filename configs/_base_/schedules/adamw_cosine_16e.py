# KD-MVNet teacher / student schedule. The LayerNorm + EG-SSM head does not
# train with the ST-GCN++ SGD recipe (lr 0.1: cross-entropy stays at ln K),
# so AdamW with gradient clipping, as state-space models are usually trained.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=16, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=16,
        by_epoch=True,
        convert_to_iter_based=True)
]

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.01),
    clip_grad=dict(max_norm=1.0))

auto_scale_lr = dict(enable=False, base_batch_size=128)
