# CMMVL teacher, ntu120 xset: mmaction2's PoseC3D with this protocol's
# pickle and splits.
_base_ = './posec3d_teacher_ntu60_xsub.py'

ann_file = 'data/skeleton/ntu120_2d.pkl'
model = dict(cls_head=dict(num_classes=120))
train_dataloader = dict(
    dataset=dict(dataset=dict(ann_file=ann_file, split='xset_train')))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_val'))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_val'))
