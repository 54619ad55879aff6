# NTU RGB+D 120 cross-subject, mmaction2's official ntu120_3d.pkl.
_base_ = './ntu_skeleton_3d.py'
ann_file = 'data/skeleton/ntu120_3d.pkl'
num_classes = 120
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
mv_train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
