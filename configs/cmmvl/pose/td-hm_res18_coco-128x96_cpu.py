# A small mmpose top-down model (ResNet-18 + heatmap head, 17 COCO joints,
# 128x96 input) for testing tools/data/extract_2d_pose.py on CPU. It has no
# released weights: run it with `--pose-checkpoint none` (random weights) to
# test the code path. Real extraction uses mmpose's own configs and weights
# (README, "Pose extraction").
default_scope = 'mmpose'

codec = dict(
    type='MSRAHeatmap', input_size=(96, 128), heatmap_size=(24, 32), sigma=2)

model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(type='ResNet', depth=18),
    head=dict(
        type='HeatmapHead',
        in_channels=512,
        out_channels=17,
        deconv_out_channels=(64, 64, 64),
        deconv_kernel_sizes=(4, 4, 4),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=False))

# init_model reads the keypoint names and skeleton (COCO) from here.
train_dataloader = dict(dataset=dict(type='CocoDataset'))
test_dataloader = dict(
    dataset=dict(
        type='CocoDataset',
        pipeline=[
            dict(type='LoadImage'),
            dict(type='GetBBoxCenterScale'),
            dict(type='TopdownAffine', input_size=codec['input_size']),
            dict(type='PackPoseInputs'),
        ]))
