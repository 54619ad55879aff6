# CPU preset of student_synthetic_xview, from teacher_synthetic_xview_cpu.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_12e.py'
]

model = dict(
    student=dict(
        backbone=dict(
            base_channels=16, num_stages=6, inflate_stages=[3, 5],
            down_stages=[3, 5]),
        example_input=(2, 32, 25, 3),
        cls_head=dict(num_classes=20)),
    teacher='configs/kdmvnet/teacher_synthetic_xview_cpu.py',
    teacher_ckpt='work_dirs/teacher_synthetic_xview_cpu')
train_dataloader = {{_base_.mv_train_dataloader}}
