import random
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

from mmaction.registry import HOOKS


def _get_states() -> Dict:
    states = dict(
        python=random.getstate(),
        numpy=np.random.get_state(),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        states['cuda'] = torch.cuda.get_rng_state_all()
    return states


def _set_states(states: Dict) -> None:
    random.setstate(states['python'])
    np.random.set_state(states['numpy'])
    # a checkpoint loaded onto a GPU carries the states there
    torch.set_rng_state(states['torch'].cpu())
    if 'cuda' in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in states['cuda']])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Makes ``--resume`` continue the random streams of an uninterrupted run.

    mmengine 0.10.7 stores no random state in checkpoints, and
    ``Runner.resume`` only re-seeds from the configured seed, so the epochs
    after a resume drew other frame offsets (``MultiViewPoseDataset``'s
    ``sync_seed``), dropout masks and view picks than the run they continue,
    and ended with other weights. This hook:

    - ``after_train_epoch`` (before ``CheckpointHook``, VERY_LOW): records
      the python, numpy, torch (and CUDA) generator states of every rank,
      all-gathered because only rank 0 writes the checkpoint;
    - ``before_save_checkpoint``: stores them as ``checkpoint['rng_state']``,
      one entry per rank, in checkpoints written at the end of an epoch;
    - ``after_load_checkpoint`` / ``before_train``: on resume, every rank
      sets its own states, after ``Runner.resume`` has re-seeded;
    - ``before_val`` / ``after_val``: validation leaves the generators as
      it found them. Every DataLoader iterator draws from torch's generator
      and mmaction2 1.2.0's ``UniformSampleFrames(test_mode=True)`` calls
      ``np.random.seed(255)`` on the global generator, so otherwise a
      validation run after the checkpoint was written would change the
      training that follows it (and the weights would depend on
      ``val_interval``).

    Data workers keep their own generators: with ``persistent_workers`` the
    resumed workers start from the seed again (the CPU presets load in the
    main process).
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self._epoch_states: Optional[List[Dict]] = None
        self._epoch_iter = -1
        self._loaded: Optional[List[Dict]] = None
        self._val_states: Optional[Dict] = None

    def after_train_epoch(self, runner) -> None:
        states = _get_states()
        self._epoch_states = (all_gather_object(states)
                              if get_world_size() > 1 else [states])
        self._epoch_iter = runner.iter

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        # only at the end of an epoch, where a resumed run starts again
        if checkpoint['meta'].get('iter') == self._epoch_iter:
            checkpoint['rng_state'] = self._epoch_states

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        self._loaded = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        loaded, self._loaded = self._loaded, None
        # iter 0: a fresh run or `load_from` (fine-tuning) keeps its seed
        if loaded is None or runner.iter == 0:
            return
        if len(loaded) != get_world_size():
            runner.logger.warning(
                f'RNGStateHook: the checkpoint holds the random states of '
                f'{len(loaded)} processes, this run has {get_world_size()}; '
                'the generators stay seeded, so the resumed run will not '
                'repeat the uninterrupted one')
            return
        _set_states(loaded[get_rank()])

    def before_val(self, runner) -> None:
        self._val_states = _get_states()

    def after_val(self, runner) -> None:
        if self._val_states is not None:
            _set_states(self._val_states)
            self._val_states = None
