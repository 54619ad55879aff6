# Multi-label variant of vicokd_synthetic_xview_cpu, from
# teacher_synthetic_xview_multilabel_cpu: BCE, per-class binary KL and the
# per-class Bernoulli JS in the consistency term; mean average precision.
# BCE and KL are summed over the 20 classes (loss_weight = K), as the
# single-label CE and KL are (see the teacher config).
_base_ = './vicokd_synthetic_xview_cpu.py'
ann_file = {{_base_.ml_ann_file}}
bce = dict(type='BCELossWithLogits', loss_weight=20.0)
model = dict(
    student=dict(
        cls_head=dict(multi_class=True, loss_cls=bce,
                      average_clips='score')),
    teacher='configs/vicokd/teacher_synthetic_xview_multilabel_cpu.py',
    teacher_ckpt='work_dirs/vicokd/teacher_synthetic_xview_multilabel_cpu',
    logit_loss=dict(_delete_=True, type='BinarySoftTargetKLLoss',
                    temperature=2.0, loss_weight=20.0),
    consistency_loss=dict(multi_label=True))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file,
                 pipeline={{_base_.ml_mv_train_pipeline}}))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline={{_base_.ml_val_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = {{_base_.ml_evaluator}}
test_evaluator = val_evaluator
