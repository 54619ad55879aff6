# CPU preset of MMCV pretraining on the synthetic multi-view set: 32-frame
# crops, a 1-layer BIGRU of hidden 64, queues of 512 (the training split
# has 1027 clips), 12 epochs; the rest as the full-size configs.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mmcv_bigru.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/datasets/mmcv_ssl_pipelines.py',
    '../_base_/schedules/sgd_mmcv_pretrain_451e.py'
]

model = dict(
    backbone=dict(hidden_channels=64, num_layers=1),
    feat_dim=128,
    queue_size=512,
    cvkd_loss=dict(topk=256))
pretrain_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j', 'jm', 'b']),
    dict(type='TemporalCropResize', clip_len=32, num_crops=2,
         ratio_range=(0.5, 1.0)),
    dict(type='RandomShear3D', amplitude=0.5),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=64, drop_last=True, dataset=dict(pipeline=pretrain_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
train_cfg = dict(max_epochs=12)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[10], gamma=0.1, by_epoch=True)
]
default_hooks = dict(logger=dict(interval=8))
