# Synthetic multi-view NTU-style skeletons
# (tools/data/make_synthetic_multiview.py). xview: train cameras 2+3, test
# camera 1; performers are held out too (see the README).
_base_ = './ntu_skeleton_3d.py'
ann_file = 'data/synthetic/ntu_mv.pkl'
num_classes = 20
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = dict(
    batch_size=16, dataset=dict(ann_file=ann_file, split='xview_val'))
mv_train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        split='xview_train',
        views=[2, 3],
        num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, split='xsub_val', num_classes=num_classes))
