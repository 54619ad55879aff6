# ViCoKD student and distillation (DESIGN.md §4): the teacher's architecture
# on the joint stream alone, with a cross-modal adapter standing in for the
# bone stream; trained from the frozen teacher (set teacher / teacher_ckpt)
# with CE + KL (T = 4) + token and embedding MSE + view-aware consistency.
_base_ = './vicokd.py'
model = dict(
    _delete_=True,
    type='ViCoKDDistiller',
    student=dict(
        type='ViCoKDStudent',
        backbone={{_base_.backbone}},
        modalities=dict(j=(0, 3)),
        missing=['b'],
        adapter=dict(type='CrossModalAdapter', num_layers=1, num_heads=8),
        embed_dims={{_base_.embed_dims}},
        num_layers=2,
        cross_attn={{_base_.cross_attn}},
        example_input=(2, 16, 25),
        cls_head={{_base_.cls_head}}),
    teacher=None,
    teacher_ckpt=None,
    logit_loss=dict(type='SoftTargetKLLoss', temperature=4.0),
    consistency_loss=dict(
        type='ViewConsistencyLoss', score_thr=0.5, min_visible=0.8,
        loss_weight=1.0),
    feature_distance='mse',
    loss_weights=dict(cls=1.0, token=1.0, embed=1.0),
    use_adapter=True,
    score_channel=None)
