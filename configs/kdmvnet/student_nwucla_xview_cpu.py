# CPU preset of student_nwucla_xview, from teacher_nwucla_xview_cpu; the
# student's neck is sized like the teacher's (D = 128). 36 epochs: after 12
# the student is still underfitting (training CE about 1.2). FMRD's
# reconstruction term only, no KL and no anchor: with all four terms the
# cross-entropy falls more slowly under the clipped gradient (v03 top-1
# 77.6 against 83.8 at 36 epochs; README). The student's backbone starts
# from the teacher's (same architecture): 12-epoch v03 top-1 76.5 against
# 67.0 from a random init (README).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/nwucla_xview_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_36e.py'
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
    init_student_from_teacher=('backbone', ),
    logit_loss=None,
    feature_loss=dict(
        student_channels=embed_dims, teacher_channels=embed_dims,
        view_ids=(1, 2), anchor_weight=0.0))
train_dataloader = {{_base_.mv_train_dataloader}}
