# KD-MVNet single-view student on N-UCLA, from teacher_nwucla_xview.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/kdmvnet_student_stgcnpp.py',
    '../_base_/datasets/nwucla_xview.py',
    '../_base_/schedules/sgd_clip_warmup_cosine_200e.py'
]

model = dict(
    student=dict(
        backbone=dict(graph_cfg=dict(layout='nw-ucla')),
        example_input=(1, 16, 20, 3),
        cls_head=dict(num_classes=10)),
    teacher='configs/kdmvnet/teacher_nwucla_xview.py',
    teacher_ckpt='work_dirs/teacher_nwucla_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
