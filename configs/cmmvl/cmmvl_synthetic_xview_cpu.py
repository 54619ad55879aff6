# CMMVL on the synthetic RGB set (DESIGN.md §3): the PoseC3D teacher of
# posec3d_teacher_synthetic_xview_cpu.py, frozen, distilled into RGB
# students (one per training camera, shared weights) of the teacher's small
# SlowOnly; the main student is tested alone on the held-out camera's RGB.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cmmvl.py',
    '../_base_/datasets/synthetic_rgbpose_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_12e.py'
]

rgb = dict(
    type='ActionDataPreprocessor', mean=[127.5, 127.5, 127.5],
    std=[57.4, 57.4, 57.4], format_shape='NCTHW')
model = dict(
    student=dict(
        backbone=dict(
            _delete_=True, type='ResNet3dSlowOnly', depth=18,
            pretrained=None, in_channels=3, base_channels=16, num_stages=3,
            out_indices=(2, ), stage_blocks=(1, 1, 1), conv1_stride_s=1,
            pool1_stride_s=1, inflate=(0, 1, 1), spatial_strides=(2, 2, 2),
            temporal_strides=(1, 1, 1), dilations=(1, 1, 1)),
        cls_head=dict(in_channels=64, num_classes=20),
        data_preprocessor=rgb),
    teacher='configs/cmmvl/posec3d_teacher_synthetic_xview_cpu.py',
    # a checkpoint or the teacher's work dir (its last_checkpoint)
    teacher_ckpt='work_dirs/posec3d_teacher_synthetic_xview_cpu',
    cl_loss=dict(in_channels=64),
    data_preprocessor=dict(preprocessors=dict(imgs=rgb)))
train_dataloader = {{_base_.mv_train_dataloader}}
val_dataloader = {{_base_.rgb_val_dataloader}}
test_dataloader = {{_base_.rgb_val_dataloader}}
optim_wrapper = dict(clip_grad=dict(max_norm=40))
