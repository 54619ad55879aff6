# MMCV pipelines: joint, motion and bone stacked on the channel axis (the
# model splits them), temporally cropped and resized to 64 frames.
ssl_streams = ['j', 'jm', 'b']
# two crops of each sample, each sheared on its own
ssl_pretrain_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=ssl_streams),
    dict(type='TemporalCropResize', clip_len=64, num_crops=2,
         ratio_range=(0.5, 1.0)),
    dict(type='RandomShear3D', amplitude=0.5),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
ssl_linear_train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=ssl_streams),
    dict(type='TemporalCropResize', clip_len=64, num_crops=1,
         ratio_range=(0.5, 1.0)),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
ssl_linear_test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=ssl_streams),
    dict(type='TemporalCropResize', clip_len=64, num_crops=1,
         test_mode=True, test_ratio=0.95),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
