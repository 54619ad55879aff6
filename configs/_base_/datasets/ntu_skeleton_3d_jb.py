# ntu_skeleton_3d with the joint and bone streams in one item
# (GenSkeFeat feats=['j', 'b']: channels 0-2 joint, 3-5 bone), for models
# that take several streams (ViCoKD). The official 3D pickles have no
# keypoint_score.
_base_ = './ntu_skeleton_3d.py'
ske_feats = dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j', 'b'])
tail = [dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=2)]
clip_len = 100

train_pipeline = [
    dict(type='PreNormalize3D'), ske_feats,
    dict(type='UniformSampleFrames', clip_len=clip_len), *tail,
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'), ske_feats,
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True), *tail,
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
test_pipeline = [
    dict(type='PreNormalize3D'), ske_feats,
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=10,
        test_mode=True), *tail,
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
mv_train_pipeline = [
    dict(type='PreNormalize3D'), ske_feats,
    dict(type='SyncUniformSampleFrames', clip_len=clip_len), *tail,
    dict(type='PackActionInputs')
]
mv_test_pipeline = [
    dict(type='PreNormalize3D'), ske_feats,
    dict(type='SyncUniformSampleFrames', clip_len=clip_len, test_mode=True),
    *tail,
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
mv_train_dataloader = dict(dataset=dict(pipeline=mv_train_pipeline))
mv_test_dataloader = dict(dataset=dict(pipeline=mv_test_pipeline))
