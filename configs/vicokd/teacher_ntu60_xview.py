# ViCoKD multi-modal (joint + bone) multi-view teacher, ntu60 xview
# (official mmaction2 ntu60_3d.pkl), full size.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd.py',
    '../_base_/datasets/ntu60_xview_jb.py',
    '../_base_/schedules/sgd_clip_cosine_16e.py'
]
train_dataloader = {{_base_.mv_train_dataloader}}
