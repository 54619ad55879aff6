# ViCoKD joint-only student with the bone adapter on N-UCLA, from
# teacher_nwucla_xview (train it first); tested alone on v03. No joint
# scores: co-visibility falls back to non-zero joints in both views.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd_distiller.py',
    '../_base_/datasets/nwucla_xview_jb.py',
    '../_base_/schedules/sgd_clip_warmup_cosine_200e.py'
]
model = dict(
    student=dict(
        backbone=dict(graph_cfg=dict(layout='nw-ucla')),
        example_input=(1, 16, 20),
        cls_head=dict(num_classes=10)),
    teacher='configs/vicokd/teacher_nwucla_xview.py',
    teacher_ckpt='work_dirs/vicokd/teacher_nwucla_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
