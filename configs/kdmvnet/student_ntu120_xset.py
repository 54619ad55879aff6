# KD-MVNet single-view student, ntu120 xset: FMRD from teacher_ntu120_xset (train it
# first); validated and tested on single views with mmaction2's PoseDataset.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/ntu120_xset.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(
    student=dict(cls_head=dict(num_classes=120)),
    teacher='configs/kdmvnet/teacher_ntu120_xset.py',
    teacher_ckpt='work_dirs/teacher_ntu120_xset')
train_dataloader = {{_base_.mv_train_dataloader}}
