# PKU-MMD phase I cross-subject (tools/data/pkummd_to_pkl.py --phase 1):
# 51 classes, Kinect v2 (25 joints, <= 2 persons), views L/M/R = 1/2/3.
_base_ = './ntu_skeleton_3d.py'
ann_file = 'data/pkummd/pkummd_p1.pkl'
num_classes = 51
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
mv_train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, key_parser='pkummd', num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, key_parser='pkummd', num_classes=num_classes))
val_evaluator = [
    dict(type='AccMetric'),
    dict(type='ViewwiseAccMetric', key_parser='pkummd')
]
test_evaluator = val_evaluator
