# ViCoKD joint-only student with the bone adapter, ntu60 xview, from
# teacher_ntu60_xview (train it first); validated and tested alone on single
# views with mmaction2's PoseDataset. NTU 3D has no joint scores, so
# co-visibility falls back to non-zero joints in both views.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd_distiller.py',
    '../_base_/datasets/ntu60_xview_jb.py',
    '../_base_/schedules/sgd_clip_cosine_16e.py'
]
model = dict(
    teacher='configs/vicokd/teacher_ntu60_xview.py',
    teacher_ckpt='work_dirs/vicokd/teacher_ntu60_xview')
train_dataloader = {{_base_.mv_train_dataloader}}
