# N-UCLA cross-view (tools/data/nwucla_to_pkl.py): train v01+v02, test v03.
# Kinect v1, 20 joints ('nw-ucla' layout), one person.
_base_ = './ntu_skeleton_3d.py'
ann_file = 'data/nwucla/nwucla.pkl'
num_classes = 10
clip_len = 52

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nw-ucla', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nw-ucla', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
mv_train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nw-ucla', feats=['j']),
    dict(type='SyncUniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
mv_test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nw-ucla', feats=['j']),
    dict(type='SyncUniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, pipeline=train_pipeline, split='xview_train'))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=val_pipeline, split='xview_val'))
test_dataloader = dict(
    batch_size=16,
    dataset=dict(ann_file=ann_file, pipeline=val_pipeline, split='xview_val'))
mv_train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        pipeline=mv_train_pipeline,
        split='xview_train',
        key_parser='nwucla',
        views=[1, 2],
        num_joints=20,
        num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        pipeline=mv_test_pipeline,
        split='xview_val',
        key_parser='nwucla',
        views=[3],
        num_joints=20,
        num_classes=num_classes))
val_evaluator = [
    dict(type='AccMetric'),
    dict(type='ViewwiseAccMetric', key_parser='nwucla')
]
test_evaluator = val_evaluator
