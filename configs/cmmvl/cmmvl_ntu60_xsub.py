# CMMVL on NTU60 xsub (DESIGN.md §3): mmaction2's PoseC3D teacher
# (posec3d_teacher_ntu60_xsub.py, trained first, then frozen) distilled into
# RGB SlowOnly-R50 students, one per camera, shared weights; the main
# student is tested alone on RGB. Written for 8 GPUs x 4 recordings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cmmvl.py',
    '../_base_/datasets/ntu_rgbpose.py',
    '../_base_/schedules/sgd_cosine_16e.py'
]

ann_file = 'data/skeleton/ntu60_2d.pkl'
num_classes = 60
model = dict(
    teacher='configs/cmmvl/posec3d_teacher_ntu60_xsub.py',
    teacher_ckpt='work_dirs/posec3d_teacher_ntu60_xsub')
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train',
                 num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
optim_wrapper = dict(
    optimizer=dict(lr=0.01, weight_decay=0.0001), clip_grad=dict(max_norm=40))
