# MMCV pretraining (DESIGN.md §5): joint, motion and bone streams, each a
# query and two momentum encoders (3-layer BIGRU, hidden 1024, fc to 128)
# with queues of 16384; loss 1.0·CVCL + 0.25·CVKD.
backbone = dict(
    type='BIGRU', in_channels=3, num_joints=25, num_person=2,
    hidden_channels=1024, num_layers=3,
    # our addition: the motion stream is ~100x smaller than the joints
    scale_input=True)
model = dict(
    type='CrossViewMutualLearner',
    backbone=backbone,
    feat_dim=2048,
    embed_dim=128,
    mlp=False,
    streams=('joint', 'motion', 'bone'),
    momenta=(0.999, 0.995),
    queue_size=16384,
    cvcl_loss=dict(type='CVCLLoss', temperature=0.07, loss_weight=1.0),
    cvkd_loss=dict(
        type='CVKDLoss', topk=8192, teacher_temperature=0.05,
        student_temperature=0.1, loss_weight=0.25))
