# PKU-MMD phase I cross-view: train the middle and right cameras (M, R =
# views 2, 3), test the left one (L = view 1).
_base_ = './pkummd1_xsub.py'
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
mv_train_dataloader = dict(dataset=dict(split='xview_train', views=[2, 3]))
mv_test_dataloader = dict(dataset=dict(split='xview_val', views=[1]))
