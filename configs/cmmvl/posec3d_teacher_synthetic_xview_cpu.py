# CMMVL teacher on the synthetic RGB set: mmaction2's PoseC3D
# (ResNet3dSlowOnly on joint heatmaps), shrunk for the CPU: ResNet-18
# blocks, 16 base channels, 32 x 32 heatmaps of 8 frames; 12 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_rgbpose_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_12e.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowOnly', depth=18, pretrained=None, in_channels=25,
        base_channels=16, num_stages=3, out_indices=(2, ),
        stage_blocks=(1, 1, 1), conv1_stride_s=1, pool1_stride_s=1,
        inflate=(0, 1, 1), spatial_strides=(2, 2, 2),
        temporal_strides=(1, 1, 1), dilations=(1, 1, 1)),
    cls_head=dict(
        type='I3DHead', in_channels=64, num_classes=20, dropout_ratio=0.5,
        average_clips='prob'))
train_dataloader = {{_base_.pose_train_dataloader}}
val_dataloader = {{_base_.pose_val_dataloader}}
test_dataloader = {{_base_.pose_val_dataloader}}
optim_wrapper = dict(clip_grad=dict(max_norm=40))
