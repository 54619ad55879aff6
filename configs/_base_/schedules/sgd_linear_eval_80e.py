# MMCV linear evaluation (DESIGN.md §5): SGD lr 0.1, 80 epochs, x0.1 at 50
# and 70; only the fc trains.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=80, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='MultiStepLR', milestones=[50, 70], gamma=0.1, by_epoch=True)
]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0))
auto_scale_lr = dict(enable=False, base_batch_size=128)
