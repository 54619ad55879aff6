# CPU preset of teacher_synthetic_xview: the baseline's small ST-GCN++.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/schedules/adamw_cosine_16e.py'
]

model = dict(
    backbone=dict(
        base_channels=16, num_stages=6, inflate_stages=[3, 5],
        down_stages=[3, 5]),
    example_input=(2, 32, 25, 3),
    cls_head=dict(num_classes=20),
    dpvic=dict(num_classes=20))
train_dataloader = {{_base_.mv_train_dataloader}}

train_cfg = dict(max_epochs=12, val_interval=3)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=12,
        by_epoch=True,
        convert_to_iter_based=True)
]
default_hooks = dict(logger=dict(interval=50))
