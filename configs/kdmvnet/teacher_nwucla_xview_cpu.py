# CPU preset of teacher_nwucla_xview: the baseline preset's backbone
# (32 channels), 12 epochs.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/nwucla_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_12e.py'
]

model = dict(
    backbone=dict(base_channels=32, graph_cfg=dict(layout='nw-ucla')),
    example_input=(1, 16, 20, 3),
    cls_head=dict(num_classes=10),
    dpvic=dict(num_classes=10))
train_dataloader = {{_base_.mv_train_dataloader}}
