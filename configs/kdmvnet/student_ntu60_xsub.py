# KD-MVNet single-view student, ntu60 xsub: FMRD from teacher_ntu60_xsub (train it
# first); validated and tested on single views with mmaction2's PoseDataset.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/ntu60_xsub.py', '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(
    teacher='configs/kdmvnet/teacher_ntu60_xsub.py',
    teacher_ckpt='work_dirs/teacher_ntu60_xsub')
train_dataloader = {{_base_.mv_train_dataloader}}
