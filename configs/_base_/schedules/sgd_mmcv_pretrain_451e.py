# MMCV pretraining (DESIGN.md §5): SGD lr 0.02 at batch 128, 451 epochs,
# x0.1 at 351; no validation (no labels are used).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=451)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[351], gamma=0.1, by_epoch=True)
]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
auto_scale_lr = dict(enable=False, base_batch_size=128)
