# KD-MVNet single-view student (DESIGN.md §2): backbone -> 1-layer EG-SSM ->
# z_S -> classifier, distilled by FMRD from a frozen multi-view teacher.
_base_ = './stgcnpp.py'
student = dict(
    type='MultiViewRecognizer',
    backbone={{_base_.backbone}},
    embed_dims=256,
    example_input=(2, 16, 25, 3),
    neck=dict(
        type='EGSSM',
        in_channels=256,
        hidden_channels=512,
        state_dim=256,
        num_layers=1,
        dropout=0.1),
    cls_head=dict(
        type='EmbeddingClsHead', num_classes=60, in_channels=256, dropout=0.5))

model = dict(
    _delete_=True,
    type='KDMVNetDistiller',
    student=student,
    # Set teacher / teacher_ckpt in the experiment config; teacher_ckpt may be
    # the teacher's work dir (its last_checkpoint is used).
    teacher=None,
    teacher_ckpt=None,
    student_views='all',
    logit_loss=dict(type='SoftTargetKLLoss', temperature=4.0, loss_weight=1.0),
    feature_loss=dict(
        type='FMRDLoss',
        student_channels=256,
        teacher_channels=256,
        view_ids=(1, 2, 3),
        anchor_weight=1.0,
        recon_weight=1.0))
