# CPU preset (DESIGN.md §6's short run): 32 base channels, 52-frame clips,
# batch 16, 12 epochs.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/nwucla_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_16e.py'
]

model = dict(
    backbone=dict(base_channels=32, graph_cfg=dict(layout='nw-ucla')),
    cls_head=dict(num_classes=10, in_channels=128))

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
