# CMMVL on ntu60 xview (see cmmvl_ntu60_xsub.py).
_base_ = './cmmvl_ntu60_xsub.py'

ann_file = 'data/skeleton/ntu60_2d.pkl'
model = dict(
    student=dict(cls_head=dict(num_classes=60)),
    teacher='configs/cmmvl/posec3d_teacher_ntu60_xview.py',
    teacher_ckpt='work_dirs/posec3d_teacher_ntu60_xview')
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, split='xview_train', views=[2, 3],
        num_classes=60))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = val_dataloader
