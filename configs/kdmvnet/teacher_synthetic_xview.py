# KD-MVNet multi-view teacher on synthetic data: sees cameras 2+3 of every
# training recording; validated single-view on camera 1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_teacher_stgcnpp.py',
    '../_base_/datasets/synthetic_xview.py',
    '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(
    cls_head=dict(num_classes=20), dpvic=dict(num_classes=20))
train_dataloader = {{_base_.mv_train_dataloader}}
