# Synthetic multi-view NTU-style skeletons (tools/data/make_synthetic_multiview.py).
# xview: train cameras 2+3, test camera 1 (performers held out too, see README).
dataset_type = 'PoseDataset'
mv_dataset_type = 'MultiViewPoseDataset'
ann_file = 'data/synthetic/ntu_mv.pkl'
num_classes = 20
clip_len = 100

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
test_pipeline = val_pipeline
# Multi-view training (teacher, student): every view samples the same
# relative positions.
mv_train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='SyncUniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='xview_train'))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=val_pipeline,
        split='xview_val',
        test_mode=True))
test_dataloader = val_dataloader
mv_train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=mv_dataset_type,
        ann_file=ann_file,
        pipeline=mv_train_pipeline,
        split='xview_train',
        key_parser='ntu',
        views=[2, 3],
        num_joints=25,
        num_classes=num_classes))

val_evaluator = [dict(type='AccMetric'), dict(type='ViewwiseAccMetric')]
test_evaluator = val_evaluator
# Every view of the held-out performers' recordings, for a multi-view test.
mv_test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=mv_dataset_type,
        ann_file=ann_file,
        pipeline=[
            dict(type='PreNormalize3D'),
            dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
            dict(
                type='SyncUniformSampleFrames', clip_len=clip_len,
                test_mode=True),
            dict(type='PoseDecode'),
            dict(type='FormatGCNInput', num_person=2),
            dict(type='PackActionInputs')
        ],
        split='xsub_val',
        key_parser='ntu',
        num_joints=25,
        num_classes=num_classes,
        test_mode=True))
