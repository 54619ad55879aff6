# CPU preset (DESIGN.md §6's short run): 32 base channels, 52-frame clips,
# batch 16, 12 epochs.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/nwucla_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_12e.py'
]

model = dict(
    backbone=dict(base_channels=32, graph_cfg=dict(layout='nw-ucla')),
    cls_head=dict(num_classes=10, in_channels=128))
