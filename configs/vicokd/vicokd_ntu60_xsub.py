# ViCoKD joint-only student with the bone adapter, ntu60 xsub, from
# teacher_ntu60_xsub (train it first).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd_distiller.py',
    '../_base_/datasets/ntu60_xsub_jb.py',
    '../_base_/schedules/sgd_clip_cosine_16e.py'
]
model = dict(
    teacher='configs/vicokd/teacher_ntu60_xsub.py',
    teacher_ckpt='work_dirs/vicokd/teacher_ntu60_xsub')
train_dataloader = {{_base_.mv_train_dataloader}}
