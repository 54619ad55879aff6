# NTU RGB+D 60 cross-subject, mmaction2's official ntu60_3d.pkl.
_base_ = './ntu_skeleton_3d.py'
