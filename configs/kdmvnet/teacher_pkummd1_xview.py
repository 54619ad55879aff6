# KD-MVNet multi-view teacher on pkummd1_xview (every allowed view of an interval).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/pkummd1_xview.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]
model = dict(cls_head=dict(num_classes=51), dpvic=dict(num_classes=51))
train_dataloader = {{_base_.mv_train_dataloader}}
