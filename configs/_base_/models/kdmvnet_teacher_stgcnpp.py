# KD-MVNet teacher (DESIGN.md §2) on mmaction2's ST-GCN++ backbone.
_base_ = './stgcnpp.py'
model = dict(
    _delete_=True,
    type='MultiViewRecognizer',
    backbone={{_base_.backbone}},
    embed_dims=256,
    example_input=(2, 16, 25, 3),
    neck=dict(
        type='EGSSM',
        in_channels=256,
        hidden_channels=512,
        state_dim=256,
        num_layers=2,
        dropout=0.1),
    cls_head=dict(
        type='EmbeddingClsHead', num_classes=60, in_channels=256, dropout=0.5),
    # num_executions=0: PrototypeHook sizes the bank from the dataset.
    dpvic=dict(
        type='DualPrototypeLoss',
        num_classes=60,
        num_executions=0,
        feat_dim=256,
        temperature=0.07),
    loss_weights=dict(dpvic=1.0, rate=0.1, smooth=0.05, sync=0.1))

custom_hooks = [dict(type='PrototypeHook', interval=50)]
