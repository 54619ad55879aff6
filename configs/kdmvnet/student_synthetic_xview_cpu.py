# CPU preset of student_synthetic_xview, from teacher_synthetic_xview_cpu;
# the student's neck is sized like the teacher's (D = 64). As in
# student_nwucla_xview_cpu: the backbone starts from the teacher's, and
# FMRD's reconstruction term is the only distillation term (camera 1 top-1
# 82.9, against 80.0 with KL and anchor as well; README).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_12e.py'
]

embed_dims = 64
model = dict(
    student=dict(
        backbone=dict(
            base_channels=16, num_stages=6, inflate_stages=[3, 5],
            down_stages=[3, 5]),
        embed_dims=embed_dims,
        example_input=(2, 32, 25, 3),
        neck=dict(in_channels=embed_dims, hidden_channels=128, state_dim=64),
        cls_head=dict(num_classes=20, in_channels=embed_dims)),
    teacher='configs/kdmvnet/teacher_synthetic_xview_cpu.py',
    teacher_ckpt='work_dirs/teacher_synthetic_xview_cpu',
    init_student_from_teacher=('backbone', ),
    logit_loss=None,
    feature_loss=dict(
        student_channels=embed_dims, teacher_channels=embed_dims,
        anchor_weight=0.0))
train_dataloader = {{_base_.mv_train_dataloader}}
