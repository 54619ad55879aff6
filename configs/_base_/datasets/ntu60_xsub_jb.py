# ntu60_xsub (mmaction2's official ntu60_3d.pkl) with joint + bone streams.
_base_ = './ntu_skeleton_3d_jb.py'
