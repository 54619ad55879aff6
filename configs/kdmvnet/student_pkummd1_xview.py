# KD-MVNet single-view student on pkummd1_xview, from teacher_pkummd1_xview (train it first).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/pkummd1_xview.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]
model = dict(
    student=dict(cls_head=dict(num_classes=51)),
    teacher='configs/kdmvnet/teacher_pkummd1_xview.py',
    teacher_ckpt='work_dirs/teacher_pkummd1_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
