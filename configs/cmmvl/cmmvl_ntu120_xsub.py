# CMMVL on ntu120 xsub (see cmmvl_ntu60_xsub.py).
_base_ = './cmmvl_ntu60_xsub.py'

ann_file = 'data/skeleton/ntu120_2d.pkl'
model = dict(
    student=dict(cls_head=dict(num_classes=120)),
    teacher='configs/cmmvl/posec3d_teacher_ntu120_xsub.py',
    teacher_ckpt='work_dirs/posec3d_teacher_ntu120_xsub')
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train', num_classes=120))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
