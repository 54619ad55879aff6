"""Summary figures and lines shared by the converters' command-line tools."""
from typing import Callable, Dict

import numpy as np


def pickle_stats(data: Dict, key_parser: Callable) -> Dict:
    """Recordings (by ``key_parser``), split sizes and clip lengths of a
    converted pickle ``{'split', 'annotations'}``."""
    annos = data['annotations']
    frames = [a['total_frames'] for a in annos]
    return dict(
        num_recordings=len({key_parser(a['frame_dir']).recording
                            for a in annos}),
        splits={k: len(v) for k, v in data['split'].items()},
        frames=dict(min=min(frames), max=max(frames),
                    mean=float(np.mean(frames))))


def splits_line(summary: Dict) -> str:
    return '  splits: ' + ', '.join(
        f'{k} {n}' for k, n in summary['splits'].items())


def frames_line(summary: Dict) -> str:
    f = summary['frames']
    return f"  frames: min {f['min']}, max {f['max']}, mean {f['mean']:.1f}"
