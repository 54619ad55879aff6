# MMCV linear evaluation (DESIGN.md §5), NTU RGB+D 120 cross-setup: the
# frozen query encoder of one stream of mmcv_pretrain_ntu120_xset.py
# under a fresh fc. Streams: model.backbone.stream=joint|motion|bone.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mmcv_linear_bigru.py',
    '../_base_/datasets/ntu120_xset.py',
    '../_base_/datasets/mmcv_ssl_pipelines.py',
    '../_base_/schedules/sgd_linear_eval_80e.py'
]

model = dict(
    # a checkpoint, or the pretraining work dir (its last_checkpoint)
    backbone=dict(checkpoint='work_dirs/mmcv_pretrain_ntu120_xset'),
    cls_head=dict(num_classes={{_base_.num_classes}}))
train_dataloader = dict(
    batch_size=128,
    dataset=dict(pipeline={{_base_.ssl_linear_train_pipeline}}))
val_dataloader = dict(
    batch_size=128,
    dataset=dict(pipeline={{_base_.ssl_linear_test_pipeline}}))
test_dataloader = dict(
    batch_size=128,
    dataset=dict(pipeline={{_base_.ssl_linear_test_pipeline}}))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
