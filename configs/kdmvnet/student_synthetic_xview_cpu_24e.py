# student_synthetic_xview_cpu for 24 epochs, validation every 6, from
# teacher_synthetic_xview_cpu_24e (train that first).
_base_ = './student_synthetic_xview_cpu.py'
model = dict(
    teacher='configs/kdmvnet/teacher_synthetic_xview_cpu_24e.py',
    teacher_ckpt='work_dirs/teacher_synthetic_xview_cpu_24e')
train_cfg = dict(max_epochs=24, val_interval=6)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=24, by_epoch=True,
         convert_to_iter_based=True)
]
