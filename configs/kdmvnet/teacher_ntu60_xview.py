# KD-MVNet multi-view teacher, ntu60 xview (official mmaction2 pickle), full size.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/ntu60_xview.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]
train_dataloader = {{_base_.mv_train_dataloader}}
