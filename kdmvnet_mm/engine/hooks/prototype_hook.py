from typing import List, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS
from kdmvnet_mm.models.losses.dual_prototype_loss import DualPrototypeLoss


@HOOKS.register_module()
class PrototypeHook(Hook):
    """Owns the lifecycle of the DP-VIC prototype banks
    (:class:`DualPrototypeLoss`).

    DESIGN §2 has the EMA update "done by a hook / in the forward before the
    loss". The update itself runs inside the loss's forward, before the loss
    is computed, so the loss always sees fresh positives (``P_class[k]`` and
    ``P_exec[r]`` of the current batch are never unseen zero vectors). This
    hook does the rest:

    - ``before_run`` (after the optimizer is built, before
      ``load_or_resume`` in mmengine 0.10.7): sizes each execution bank from
      ``train_dataloader.dataset.num_recordings`` (R = number of training
      recordings) when it was built empty, fails early with ValueError when
      a configured bank is smaller than R, and logs R and the bank's memory
      cost in MiB. Runs without a training loop (test/val only) are left
      alone.
    - ``after_train_iter``: every ``interval`` iterations, pushes
      :meth:`DualPrototypeLoss.stats` to the message hub as
      ``train/proto_class_usage``, ``train/proto_exec_usage`` and
      ``train/proto_mean_class_cos`` (suffixed ``/<module name>`` when the
      model holds several banks), so they appear in the training log.

    Args:
        interval (int): Iterations between statistics. Defaults to 50.
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 50) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval

    @staticmethod
    def _banks(runner) -> List[Tuple[str, DualPrototypeLoss]]:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        return [(name, m) for name, m in model.named_modules()
                if isinstance(m, DualPrototypeLoss)]

    @staticmethod
    def _num_recordings(runner) -> Optional[int]:
        # A real Runner without a built train loop is testing/validating:
        # touching runner.train_dataloader would build (or fail to build) it.
        loop = getattr(runner, '_train_loop', 'no attribute')
        if loop is None or isinstance(loop, dict):
            return None
        try:
            dataset = runner.train_dataloader.dataset
        except AttributeError:
            return None
        # Dataset wrappers (RepeatDataset, ClassBalancedDataset) hold the
        # real dataset in `.dataset`.
        while not hasattr(dataset, 'num_recordings') \
                and hasattr(dataset, 'dataset'):
            dataset = dataset.dataset
        num = getattr(dataset, 'num_recordings', None)
        return None if num is None else int(num)

    def before_run(self, runner) -> None:
        banks = self._banks(runner)
        if not banks:
            return
        num = self._num_recordings(runner)
        if num is None:
            runner.logger.info(
                'PrototypeHook: no training dataset with `num_recordings`; '
                'execution banks keep their configured size.')
            return
        for name, bank in banks:
            if bank.num_executions == 0:
                bank.resize_executions(num)
            elif bank.num_executions < num:
                raise ValueError(
                    f'{name}: the execution bank holds {bank.num_executions} '
                    f'prototypes but the training set has {num} recordings; '
                    'set num_executions=0 to size it from the dataset')
            runner.logger.info(
                f'PrototypeHook: {name} execution bank = '
                f'{bank.num_executions} prototypes x {bank.feat_dim} dims, '
                f'{bank.memory_bytes() / 2**20:.2f} MiB '
                f'({num} training recordings)')

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        banks = self._banks(runner)
        for name, bank in banks:
            suffix = f'/{name}' if len(banks) > 1 else ''
            for key, value in bank.stats().items():
                runner.message_hub.update_scalar(f'train/proto_{key}{suffix}',
                                                 value)
