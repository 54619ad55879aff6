# ViCoKD multi-modal (joint + bone) multi-view teacher on N-UCLA: sees
# v01+v02 of every training recording; validated single-view on v03.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd.py',
    '../_base_/datasets/nwucla_xview_jb.py',
    '../_base_/schedules/sgd_clip_warmup_cosine_200e.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='nw-ucla')),
    example_input=(1, 16, 20),
    cls_head=dict(num_classes=10))
train_dataloader = {{_base_.mv_train_dataloader}}
