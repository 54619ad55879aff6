import logging
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from torch import nn

import kdmvnet_mm  # noqa: F401
from kdmvnet_mm.engine.hooks import PrototypeHook
from kdmvnet_mm.models.losses import DualPrototypeLoss
from mmaction.registry import HOOKS, MODELS


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _numpy_loss(s, P, seen, cls, exe, K, tau, wc, we):
    s = _unit(s)
    logits = s @ P.T / tau
    out = []
    for i in range(len(s)):
        keep = seen.copy()
        keep[cls[i]] = keep[K + exe[i]] = True
        denom = np.exp(logits[i][keep]).sum()
        num = wc * np.exp(logits[i, cls[i]]) + we * np.exp(
            logits[i, K + exe[i]])
        out.append(-np.log(num / denom))
    return np.mean(out)


def test_defaults_and_registry():
    loss = MODELS.build(dict(type='DualPrototypeLoss', num_classes=5))
    assert loss.class_weight == 1.0 and loss.exec_weight == 0.5
    assert loss.temperature == 0.07 and loss.momentum == 0.99
    assert loss.num_executions == 0 and loss.feat_dim == 256


def test_loss_matches_numpy_with_unseen_excluded():
    K, R, D, tau = 3, 4, 4, 0.07
    rng = np.random.default_rng(0)
    loss = DualPrototypeLoss(K, R, feat_dim=D, temperature=tau,
                             loss_weight=2.0)
    Pc, Pe = _unit(rng.normal(size=(K, D))), _unit(rng.normal(size=(R, D)))
    Pc[1] = 0.0  # class 1 unseen
    Pe[2:] = 0.0  # executions 2 and 3 unseen
    loss.class_protos.copy_(torch.tensor(Pc))
    loss.exec_protos.copy_(torch.tensor(Pe))
    loss.class_seen.copy_(torch.tensor([True, False, True]))
    loss.exec_seen.copy_(torch.tensor([True, True, False, False]))
    s = rng.normal(size=(5, D))
    cls, exe = np.array([0, 2, 0, 2, 2]), np.array([0, 1, 1, 0, 0])
    out = loss(torch.tensor(s, dtype=torch.float32), torch.tensor(cls),
               torch.tensor(exe), update=False)
    P = np.concatenate([Pc, Pe])
    seen = np.array([1, 0, 1, 1, 1, 0, 0], bool)
    ref = 2.0 * _numpy_loss(s, P, seen, cls, exe, K, tau, 1.0, 0.5)
    np.testing.assert_allclose(out.item(), ref, rtol=1e-5)
    # unseen rows really are left out: including them changes the value
    wrong = 2.0 * _numpy_loss(s, P, np.ones(7, bool), cls, exe, K, tau, 1.0,
                              0.5)
    assert abs(wrong - ref) > 1e-3
    # buffers untouched with update=False
    assert not loss.exec_seen[2:].any()


def test_class_only_without_exec_bank():
    K, D, tau = 3, 4, 0.1
    rng = np.random.default_rng(1)
    loss = DualPrototypeLoss(K, 0, feat_dim=D, temperature=tau)
    Pc = _unit(rng.normal(size=(K, D)))
    loss.class_protos.copy_(torch.tensor(Pc))
    loss.class_seen.fill_(True)
    s = rng.normal(size=(4, D))
    cls = np.array([0, 1, 2, 1])
    out = loss(torch.tensor(s, dtype=torch.float32), torch.tensor(cls),
               None, update=False)
    logits = _unit(s) @ Pc.T / tau
    ref = np.mean(-logits[np.arange(4), cls] +
                  np.log(np.exp(logits).sum(1)))
    np.testing.assert_allclose(out.item(), ref, rtol=1e-5)


def test_ema_update():
    m = 0.9
    loss = DualPrototypeLoss(2, 3, feat_dim=3, momentum=m)
    d = torch.tensor([[3.0, 0, 0], [0, 2.0, 0], [0, 0, 5.0]])
    # class 0 carried twice (duplicates averaged after normalising each)
    loss.update(d, torch.tensor([0, 0, 1]), torch.tensor([2, 2, 0]))
    t0 = _unit(np.array([1.0, 1.0, 0]))
    np.testing.assert_allclose(loss.class_protos[0].numpy(), t0, rtol=1e-6)
    np.testing.assert_allclose(loss.class_protos[1].numpy(), [0, 0, 1])
    np.testing.assert_allclose(loss.exec_protos[2].numpy(), t0, rtol=1e-6)
    assert loss.class_seen.tolist() == [True, True]
    assert loss.exec_seen.tolist() == [True, False, True]
    assert torch.all(loss.exec_protos[1] == 0)
    # second update follows p <- normalise(m p + (1 - m) target)
    d2 = torch.tensor([[0.0, 0, 4.0]])
    loss.update(d2, torch.tensor([0]), torch.tensor([1]))
    np.testing.assert_allclose(
        loss.class_protos[0].numpy(),
        _unit(m * t0 + (1 - m) * np.array([0, 0, 1.0])), rtol=1e-6)
    np.testing.assert_allclose(loss.exec_protos[1].numpy(), [0, 0, 1])
    np.testing.assert_allclose(loss.exec_protos[2].numpy(), t0, rtol=1e-6)


def test_forward_updates_before_loss_in_training():
    loss = DualPrototypeLoss(3, 2, feat_dim=4)
    desc = torch.randn(2, 4, requires_grad=True)
    out = loss(desc, torch.tensor([0, 1]), torch.tensor([1, 1]))
    assert torch.isfinite(out)
    assert loss.class_seen.tolist() == [True, True, False]
    assert loss.exec_seen.tolist() == [False, True]
    out.backward()
    assert desc.grad is not None
    loss.eval()
    loss(torch.randn(1, 4), torch.tensor([2]), torch.tensor([0]))
    assert not loss.class_seen[2]  # no update in eval mode


def test_out_of_range_index_raises():
    loss = DualPrototypeLoss(3, 4, feat_dim=4)
    with pytest.raises(ValueError, match='holds 4 prototypes.*index 4'):
        loss(torch.randn(2, 4), torch.tensor([0, 1]), torch.tensor([0, 4]))
    with pytest.raises(ValueError, match='class bank holds 3'):
        loss.update(torch.randn(1, 4), torch.tensor([3]), torch.tensor([0]))


def test_state_dict_and_resize():
    loss = DualPrototypeLoss(3, 0, feat_dim=4)
    keys = set(loss.state_dict())
    assert {'class_protos', 'exec_protos', 'class_seen',
            'exec_seen'} <= keys
    ref = loss.exec_protos
    loss.resize_executions(10)
    assert loss.exec_protos is ref  # same object, new size
    assert loss.exec_protos.shape == (10, 4) and not loss.exec_seen.any()
    assert loss.memory_bytes() == 10 * 4 * 4 + 10
    loss.update(torch.randn(2, 4), torch.tensor([0, 1]), torch.tensor([3, 9]))
    # an empty bank takes its size from a checkpoint
    fresh = DualPrototypeLoss(3, 0, feat_dim=4)
    fresh.load_state_dict(loss.state_dict())
    assert fresh.num_executions == 10
    torch.testing.assert_close(fresh.exec_protos, loss.exec_protos)
    assert fresh.exec_seen.tolist() == loss.exec_seen.tolist()


def test_stats():
    loss = DualPrototypeLoss(4, 2, feat_dim=2)
    loss.update(
        torch.tensor([[1.0, 0], [0, 1.0], [1.0, 1.0]]),
        torch.tensor([0, 1, 2]), torch.tensor([0, 0, 0]))
    st = loss.stats()
    assert st['class_usage'] == 0.75 and st['exec_usage'] == 0.5
    c = 1 / np.sqrt(2)
    np.testing.assert_allclose(st['mean_class_cos'], (0 + c + c) / 3,
                               rtol=1e-6)


class _Model(nn.Module):

    def __init__(self, num_executions):
        super().__init__()
        self.head = nn.Module()
        self.head.loss_proto = DualPrototypeLoss(3, num_executions,
                                                 feat_dim=4)


def _runner(model, num_recordings, name):
    dataset = SimpleNamespace(num_recordings=num_recordings)
    return SimpleNamespace(
        model=model,
        train_dataloader=SimpleNamespace(dataset=dataset),
        logger=logging.getLogger('test_prototype_hook'),
        message_hub=MessageHub.get_instance(name),
        iter=0)


def test_hook_sizes_bank_and_logs_stats(caplog):
    model = _Model(0)
    runner = _runner(model, 12, 'test_proto_hook_a')
    hook = HOOKS.build(dict(type='PrototypeHook', interval=2))
    with caplog.at_level(logging.INFO, logger='test_prototype_hook'):
        hook.before_run(runner)
    assert model.head.loss_proto.num_executions == 12
    assert 'MiB' in caplog.text and '12' in caplog.text
    model.head.loss_proto.update(
        torch.randn(2, 4), torch.tensor([0, 1]), torch.tensor([0, 1]))
    hook.after_train_iter(runner, 0)  # iter 0: (0 + 1) % 2 != 0
    assert 'train/proto_class_usage' not in runner.message_hub.log_scalars
    runner.iter = 1
    hook.after_train_iter(runner, 1)
    scalars = runner.message_hub.log_scalars
    assert scalars['train/proto_class_usage'].current() == pytest.approx(
        2 / 3)
    assert scalars['train/proto_exec_usage'].current() == pytest.approx(
        2 / 12)
    assert 'train/proto_mean_class_cos' in scalars


def test_hook_too_small_bank_raises():
    runner = _runner(_Model(5), 12, 'test_proto_hook_b')
    with pytest.raises(ValueError, match=r'5 prototypes.*12 recordings'):
        PrototypeHook().before_run(runner)
    # large enough: kept as configured
    model = _Model(20)
    PrototypeHook().before_run(_runner(model, 12, 'test_proto_hook_c'))
    assert model.head.loss_proto.num_executions == 20


def test_hook_without_train_loop_does_nothing():
    model = _Model(0)
    runner = SimpleNamespace(
        model=model, _train_loop=None,
        logger=logging.getLogger('test_prototype_hook'))
    PrototypeHook().before_run(runner)
    assert model.head.loss_proto.num_executions == 0


def _ddp_worker(rank, world, init_file, result_file):
    import torch.distributed as dist
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    torch.manual_seed(0)
    desc = torch.randn(5, 4)
    cls, exe = torch.tensor([0, 1, 2, 0, 1]), torch.tensor([0, 1, 2, 3, 0])
    sl = slice(0, 2) if rank == 0 else slice(2, 5)  # unequal sizes
    loss = DualPrototypeLoss(3, 4, feat_dim=4)
    loss.update(desc[sl], cls[sl], exe[sl])
    if rank == 1:
        torch.save(loss.state_dict(), result_file)
    dist.barrier()
    dist.destroy_process_group()


def test_update_gathers_across_ranks(tmp_path):
    import torch.multiprocessing as mp
    result = tmp_path / 'rank1.pth'
    mp.spawn(_ddp_worker, args=(2, str(tmp_path / 'init'), str(result)),
             nprocs=2)
    torch.manual_seed(0)
    desc = torch.randn(5, 4)
    ref = DualPrototypeLoss(3, 4, feat_dim=4)
    ref.update(desc, torch.tensor([0, 1, 2, 0, 1]),
               torch.tensor([0, 1, 2, 3, 0]))
    got = torch.load(result)
    for k, v in ref.state_dict().items():
        torch.testing.assert_close(got[k], v)
