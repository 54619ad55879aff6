# CPU preset of teacher_synthetic_xview: the baseline's small ST-GCN++.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_12e.py'
]

model = dict(
    backbone=dict(
        base_channels=16, num_stages=6, inflate_stages=[3, 5],
        down_stages=[3, 5]),
    example_input=(2, 32, 25, 3),
    cls_head=dict(num_classes=20),
    dpvic=dict(num_classes=20))
train_dataloader = {{_base_.mv_train_dataloader}}
