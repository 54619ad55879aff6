# CPU preset of the ViCoKD student on the synthetic set with joint scores,
# from teacher_synthetic_xview_cpu (train it first): joint stream only,
# sized like the teacher, one adapter layer for the bone stream.
# Co-visibility reads the scores (channel 6): a view counts when >= 80 % of
# its joints have reliability > 0.7 (over whole training views: 16 % fall
# short, 80 % of the camera 2+3 pairs are co-visible).
# Ablations: --cfg-options model.use_adapter=False /
# model.consistency_loss.loss_weight=0.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd_distiller.py',
    '../_base_/datasets/synthetic_xview_scores_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_6e.py'
]
embed_dims = 64
model = dict(
    student=dict(
        backbone=dict(
            base_channels=16, num_stages=6, inflate_stages=[3, 5],
            down_stages=[3, 5]),
        adapter=dict(num_heads=4),
        embed_dims=embed_dims,
        num_layers=1,
        cross_attn=dict(num_heads=4),
        example_input=(2, 32, 25),
        cls_head=dict(num_classes=20, in_channels=embed_dims)),
    teacher='configs/vicokd/teacher_synthetic_xview_cpu.py',
    teacher_ckpt='work_dirs/vicokd/teacher_synthetic_xview_cpu',
    consistency_loss=dict(score_thr=0.7, min_visible=0.8),
    score_channel=6)
train_dataloader = {{_base_.mv_train_dataloader}}
