# MMCV self-supervised pretraining (DESIGN.md §5), NTU RGB+D 120 xsub.
# Labels are not used; the linear evaluation is mmcv_linear_ntu120_xsub.py.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mmcv_bigru.py',
    '../_base_/datasets/ntu120_xsub.py',
    '../_base_/datasets/mmcv_ssl_pipelines.py',
    '../_base_/schedules/sgd_mmcv_pretrain_451e.py'
]

# full batches only: every process enqueues the same number of keys
train_dataloader = dict(
    batch_size=128,
    drop_last=True,
    dataset=dict(pipeline={{_base_.ssl_pretrain_pipeline}}))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
