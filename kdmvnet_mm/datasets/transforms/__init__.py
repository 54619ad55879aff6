from .sync_uniform_sample_frames import SyncUniformSampleFrames

__all__ = ['SyncUniformSampleFrames']
