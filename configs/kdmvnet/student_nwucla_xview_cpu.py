# CPU preset of student_nwucla_xview, from teacher_nwucla_xview_cpu; the
# student's neck is sized like the teacher's (D = 128).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/nwucla_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_12e.py'
]

embed_dims = 128
model = dict(
    student=dict(
        backbone=dict(base_channels=32, graph_cfg=dict(layout='nw-ucla')),
        embed_dims=embed_dims,
        example_input=(1, 16, 20, 3),
        neck=dict(in_channels=embed_dims, hidden_channels=256, state_dim=64),
        cls_head=dict(num_classes=10, in_channels=embed_dims)),
    teacher='configs/kdmvnet/teacher_nwucla_xview_cpu.py',
    teacher_ckpt='work_dirs/teacher_nwucla_xview_cpu',
    feature_loss=dict(
        student_channels=embed_dims, teacher_channels=embed_dims,
        view_ids=(1, 2)))
train_dataloader = {{_base_.mv_train_dataloader}}
