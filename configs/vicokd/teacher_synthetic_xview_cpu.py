# CPU preset of the ViCoKD teacher on the synthetic set with joint scores
# (make_synthetic_multiview.py --scores): per stream the baseline's small
# ST-GCN++ (16 base channels, 6 stages), D = 64, one cross-modal layer;
# 6 epochs, validated on camera 1 of the held-out performers.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/vicokd.py',
    '../_base_/datasets/synthetic_xview_scores_cpu.py',
    '../_base_/schedules/sgd_clip_cosine_6e.py'
]
embed_dims = 64
model = dict(
    backbone=dict(
        base_channels=16, num_stages=6, inflate_stages=[3, 5],
        down_stages=[3, 5]),
    embed_dims=embed_dims,
    num_layers=1,
    cross_attn=dict(num_heads=4),
    example_input=(2, 32, 25),
    cls_head=dict(num_classes=20, in_channels=embed_dims))
train_dataloader = {{_base_.mv_train_dataloader}}
