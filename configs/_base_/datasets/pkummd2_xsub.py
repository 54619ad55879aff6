# PKU-MMD phase II cross-subject (tools/data/pkummd_to_pkl.py --phase 2):
# 41 classes, Kinect v2 (25 joints, <= 2 persons), views L/M/R = 1/2/3.
# Phase II has no cross-view split.
_base_ = './pkummd1_xsub.py'
ann_file = 'data/pkummd/pkummd_p2.pkl'
num_classes = 41
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
mv_train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
