# ntu60_xview (train cameras 2+3, test camera 1) with joint + bone streams.
_base_ = './ntu_skeleton_3d_jb.py'
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
mv_train_dataloader = dict(dataset=dict(split='xview_train', views=[2, 3]))
mv_test_dataloader = dict(dataset=dict(split='xview_val', views=[1]))
