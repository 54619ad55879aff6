# nwucla_xview with the joint and bone streams in one item
# (GenSkeFeat feats=['j', 'b'] on the 'nw-ucla' layout: channels 0-2
# joint, 3-5 bone); same normalisation and augmentation.
_base_ = './nwucla_xview.py'
norm = dict(type='CentreNormalize3D', centre_joint=1, scale='minmax')
ske_feats = dict(type='GenSkeFeat', dataset='nw-ucla', feats=['j', 'b'])
train_aug = [
    dict(type='CentreNormalize3D', centre_joint=1, scale=None),
    dict(type='RandomRot3D', angle_range=((-60, 60), (-60, 60), (0, 0))),
    norm, ske_feats
]
test_aug = [norm, ske_feats]
tail = [dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=1)]
train_pipeline = train_aug + [
    dict(type='UniformSampleFrames', clip_len=52)
] + tail + [dict(type='PackActionInputs')]
val_pipeline = test_aug + [
    dict(
        type='UniformSampleFrames', clip_len=52, num_clips=1, test_mode=True)
] + tail + [dict(type='PackActionInputs', meta_keys=('frame_dir', ))]
mv_train_pipeline = train_aug + [
    dict(type='SyncUniformSampleFrames', clip_len=52)
] + tail + [dict(type='PackActionInputs')]
mv_test_pipeline = test_aug + [
    dict(type='SyncUniformSampleFrames', clip_len=52, test_mode=True)
] + tail + [dict(type='PackActionInputs')]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
mv_train_dataloader = dict(dataset=dict(pipeline=mv_train_pipeline))
mv_test_dataloader = dict(dataset=dict(pipeline=mv_test_pipeline))
