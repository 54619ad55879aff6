# CPU preset of MMCV linear evaluation on the synthetic multi-view set:
# the encoder of mmcv_pretrain_synthetic_xview_cpu.py (frozen), 32-frame
# clips, 6 epochs (x0.1 at 4 and 5); train cameras 2+3, test camera 1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mmcv_linear_bigru.py',
    '../_base_/datasets/synthetic_xview_cpu.py',
    '../_base_/datasets/mmcv_ssl_pipelines.py',
    '../_base_/schedules/sgd_linear_eval_80e.py'
]

model = dict(
    backbone=dict(
        encoder=dict(hidden_channels=64, num_layers=1),
        # a checkpoint, or the pretraining work dir (its last_checkpoint)
        checkpoint='work_dirs/mmcv_pretrain_synthetic_xview_cpu'),
    cls_head=dict(num_classes=20, in_channels=128))
streams = ['j', 'jm', 'b']
train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=streams),
    dict(type='TemporalCropResize', clip_len=32, num_crops=1,
         ratio_range=(0.5, 1.0)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=streams),
    dict(type='TemporalCropResize', clip_len=32, num_crops=1,
         test_mode=True, test_ratio=0.95),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(batch_size=64, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=64, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=64, dataset=dict(pipeline=test_pipeline))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=6, val_interval=6)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[4, 5], gamma=0.1, by_epoch=True)
]
default_hooks = dict(logger=dict(interval=8))
