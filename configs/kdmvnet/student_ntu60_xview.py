# KD-MVNet single-view student, ntu60 xview: FMRD from teacher_ntu60_xview (train it
# first); validated and tested on single views with mmaction2's PoseDataset.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/ntu60_xview.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(
    teacher='configs/kdmvnet/teacher_ntu60_xview.py',
    teacher_ckpt='work_dirs/teacher_ntu60_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
