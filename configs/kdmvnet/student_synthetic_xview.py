# KD-MVNet single-view student on synthetic data, distilled from
# teacher_synthetic_xview (train that first); tested on camera 1 alone.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/synthetic_xview.py',
    '../_base_/schedules/sgd_clip_cosine_16e.py'
]

model = dict(
    student=dict(cls_head=dict(num_classes=20)),
    teacher='configs/kdmvnet/teacher_synthetic_xview.py',
    teacher_ckpt='work_dirs/teacher_synthetic_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
