# KD-MVNet multi-view teacher, ntu120 xset (official mmaction2 pickle), full size.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/ntu120_xset.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(cls_head=dict(num_classes=120), dpvic=dict(num_classes=120))
train_dataloader = {{_base_.mv_train_dataloader}}
