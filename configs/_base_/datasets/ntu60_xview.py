# NTU RGB+D 60 cross-view: train cameras 2+3, test camera 1.
_base_ = './ntu_skeleton_3d.py'
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
mv_train_dataloader = dict(dataset=dict(split='xview_train', views=[2, 3]))
mv_test_dataloader = dict(dataset=dict(split='xview_val', views=[1]))
