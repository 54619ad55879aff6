# CPU preset: 32-frame clips, 16 base channels, 6 GCN stages.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_12e.py'
]

model = dict(
    backbone=dict(
        base_channels=16, num_stages=6, inflate_stages=[3, 5],
        down_stages=[3, 5]),
    cls_head=dict(num_classes=20, in_channels=64))
