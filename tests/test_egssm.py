import math

import numpy as np
import pytest
import torch

import kdmvnet_mm  # noqa: F401
from kdmvnet_mm.models.necks import EGSSM
from kdmvnet_mm.models.necks.egssm_utils import (diag_scan_loop,
                                                 diag_scan_parallel)
from mmaction.registry import MODELS


def _small(**kw):
    cfg = dict(in_channels=8, hidden_channels=12, state_dim=6, num_layers=2)
    cfg.update(kw)
    return EGSSM(**cfg)


def _numpy_scan(a, b):
    h = np.zeros_like(b[:, 0])
    out = []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return np.stack(out, 1)


@pytest.mark.parametrize('T', [1, 2, 7, 33, 300])
def test_parallel_scan_matches_loop(T):
    g = torch.Generator().manual_seed(T)
    a = torch.rand(3, T, 5, generator=g, dtype=torch.float64)
    b = torch.randn(3, T, 5, generator=g, dtype=torch.float64)
    par, loop = diag_scan_parallel(a, b), diag_scan_loop(a, b)
    np.testing.assert_allclose(par.numpy(), loop.numpy(), rtol=1e-6,
                               atol=1e-12)
    np.testing.assert_allclose(loop.numpy(), _numpy_scan(a.numpy(),
                                                         b.numpy()),
                               rtol=1e-12)
    # a shared by the batch broadcasts
    par1 = diag_scan_parallel(a[:1], b)
    np.testing.assert_allclose(
        par1.numpy(), _numpy_scan(np.broadcast_to(a[:1].numpy(), b.shape),
                                  b.numpy()), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize('T', [1, 5, 33])
def test_parallel_scan_autograd_path(T):
    g = torch.Generator().manual_seed(T)
    a = torch.rand(2, T, 3, generator=g, dtype=torch.float64)
    b = torch.randn(2, T, 3, generator=g, dtype=torch.float64)
    a.requires_grad_(True)
    b.requires_grad_(True)
    par, loop = diag_scan_parallel(a, b), diag_scan_loop(a, b)
    assert par.requires_grad
    torch.testing.assert_close(par, loop, rtol=1e-6, atol=1e-12)
    w = torch.randn(par.shape, generator=g, dtype=torch.float64)
    ga = torch.autograd.grad((par * w).sum(), (a, b), allow_unused=True,
                             materialize_grads=True)
    gl = torch.autograd.grad((loop * w).sum(), (a, b))
    for x, y in zip(ga, gl):
        torch.testing.assert_close(x, y, rtol=1e-6, atol=1e-12)
    # the no-grad path must not modify its inputs
    a0, b0 = a.detach().clone(), b.detach().clone()
    with torch.no_grad():
        diag_scan_parallel(a, b)
    assert torch.equal(a, a0) and torch.equal(b, b0)


def test_long_sequence_is_stable():
    T = 2000
    g = torch.Generator().manual_seed(0)
    a = torch.cat([
        1.0 - 1e-4 * torch.rand(2, T, 3, generator=g),
        1e-4 * torch.rand(2, T, 3, generator=g)
    ], dim=2).double()
    b = torch.randn(2, T, 6, generator=g, dtype=torch.float64)
    par, loop = diag_scan_parallel(a, b), diag_scan_loop(a, b)
    assert torch.isfinite(par).all()
    np.testing.assert_allclose(par.numpy(), loop.numpy(), rtol=1e-6,
                               atol=1e-9)
    # float32 too: no overflow from long products
    par32 = diag_scan_parallel(a.float(), b.float())
    assert torch.isfinite(par32).all()
    np.testing.assert_allclose(par32.numpy(), loop.numpy(), rtol=1e-3,
                               atol=1e-3)


def test_neck_parallel_equals_loop_and_shapes():
    torch.manual_seed(0)
    neck = MODELS.build(
        dict(type='EGSSM', in_channels=8, hidden_channels=12, state_dim=6,
             num_layers=2)).double().eval()
    # perturb the gate so it varies per frame
    torch.nn.init.normal_(neck.gate_fc.weight, std=0.5)
    torch.nn.init.normal_(neck.layers[0].D, std=0.5)
    x = torch.randn(4, 37, 8, dtype=torch.float64)
    out = neck(x)
    assert out['z'].shape == (4, 8)
    assert out['y'].shape == (4, 37, 8)
    assert out['gate'].shape == (4, 37)
    neck.scan = 'loop'
    ref = neck(x)
    for k in ('z', 'y', 'gate'):
        np.testing.assert_allclose(out[k].detach().numpy(),
                                   ref[k].detach().numpy(), rtol=1e-6,
                                   atol=1e-10)
    assert out['gate'].std() > 0
    torch.testing.assert_close(neck.export_gates(x), out['gate'].detach())


def test_gradients_flow():
    torch.manual_seed(0)
    neck = _small()
    x = torch.randn(3, 10, 8, requires_grad=True)
    out = neck(x)
    losses = neck.gate_losses(out['gate'])
    (out['z'].pow(2).sum() + sum(losses.values())).backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    for name in ('A_log', 'log_dt', 'B', 'C', 'D'):
        grad = getattr(neck.layers[0], name).grad
        assert grad is not None and grad.abs().sum() > 0, name
    assert neck.gate_fc.bias.grad.abs().sum() > 0


def test_init():
    torch.manual_seed(0)
    neck = EGSSM()  # the published defaults
    assert math.isclose(neck.gate_fc.bias.item(), math.log(0.3 / 0.7),
                        rel_tol=1e-6)
    gate = neck.export_gates(torch.randn(2, 16, 256))
    assert abs(gate.mean().item() - 0.3) < 1e-3
    layer = neck.layers[0]
    np.testing.assert_allclose(layer.A_log.detach().exp().numpy(),
                               np.arange(1, 257), rtol=1e-5)
    dt = layer.log_dt.detach().exp()
    assert dt.min() >= 1e-3 * (1 - 1e-5) and dt.max() <= 1e-1 * (1 + 1e-5)
    assert torch.all(layer.D == 0)
    assert len(neck.layers) == 2 and layer.B.shape == (256, 512)
    assert layer.C.shape == (512, 256)
    # a parent's generic init must not erase the gate / SSM init
    torch.nn.init.normal_(neck.gate_fc.bias)
    neck.init_weights()
    assert math.isclose(neck.gate_fc.bias.item(), math.log(0.3 / 0.7),
                        rel_tol=1e-6)


def test_discretisation_matches_formula():
    layer = _small().layers[0].double()
    a_bar, b_bar = layer.discretise()
    A = -np.exp(layer.A_log.detach().numpy())
    dt = np.exp(layer.log_dt.detach().numpy())
    ab = np.exp(A * dt)
    np.testing.assert_allclose(a_bar.detach().numpy(), ab, rtol=1e-12)
    np.testing.assert_allclose(b_bar.detach().numpy(),
                               ((ab - 1) / A)[:, None] *
                               layer.B.detach().numpy(), rtol=1e-10)


def test_layer_matches_numpy_recurrence():
    torch.manual_seed(2)
    layer = _small().layers[0].double().eval()
    torch.nn.init.normal_(layer.D)
    x = torch.randn(2, 6, 8, dtype=torch.float64)
    g = torch.rand(2, 6, dtype=torch.float64)
    out = layer(x, g, diag_scan_parallel).detach().numpy()

    def np_(t):
        return t.detach().numpy()

    xn = x.numpy()
    mu, var = xn.mean(-1, keepdims=True), xn.var(-1, keepdims=True)
    ln = (xn - mu) / np.sqrt(var + layer.norm.eps) * np_(
        layer.norm.weight) + np_(layer.norm.bias)
    u = ln @ np_(layer.proj_in.weight).T + np_(layer.proj_in.bias)
    A = -np.exp(np_(layer.A_log))
    ab = np.exp(A * np.exp(np_(layer.log_dt)))
    bb = ((ab - 1) / A)[:, None] * np_(layer.B)
    h = np.zeros((2, len(A)))
    ys = []
    for t in range(6):
        h = ab * h + g.numpy()[:, t, None] * (u[:, t] @ bb.T)
        ys.append(h @ np_(layer.C).T + np_(layer.D) * u[:, t])
    y = torch.nn.functional.gelu(torch.tensor(np.stack(ys, 1))).numpy()
    ref = xn + y @ np_(layer.proj_out.weight).T + np_(layer.proj_out.bias)
    np.testing.assert_allclose(out, ref, rtol=1e-9, atol=1e-12)


def test_pooling_is_gate_weighted_mean():
    torch.manual_seed(1)
    neck = _small().double().eval()
    torch.nn.init.normal_(neck.gate_fc.weight, std=1.0)
    out = neck(torch.randn(3, 9, 8, dtype=torch.float64))
    g = out['gate'].detach().numpy()
    y = out['y'].detach().numpy()
    expected = (g[..., None] * y).sum(1) / (g.sum(1)[:, None] + 1e-6)
    np.testing.assert_allclose(out['z'].detach().numpy(), expected,
                               rtol=1e-10)


def test_gate_losses_hand_case():
    neck = _small(rate_target=0.3)
    g = np.array([
        [0.1, 0.5, 0.9],  # recording 0, view 0
        [0.2, 0.2, 0.8],  # recording 0, view 1
        [0.7, 0.3, 0.4],  # recording 0, view 2 (padded)
        [0.6, 0.1, 0.3],  # recording 1, view 0 (only valid view)
        [0.9, 0.9, 0.9],  # recording 1, view 1 (padded)
        [0.5, 0.5, 0.5],  # recording 1, view 2 (padded)
    ])
    mask = np.array([[True, True, False], [True, False, False]])
    out = neck.gate_losses(torch.tensor(g), torch.tensor(mask))
    valid = g[mask.reshape(-1)]
    rate = np.mean((valid.mean(1) - 0.3)**2)
    smooth = np.mean(np.abs(np.diff(valid, axis=1)))
    sync = np.mean(np.var(g[:2], axis=0))  # only recording 0 has 2 views
    np.testing.assert_allclose(out['loss_rate'].item(), rate, rtol=1e-12)
    np.testing.assert_allclose(out['loss_smooth'].item(), smooth,
                               rtol=1e-12)
    np.testing.assert_allclose(out['loss_sync'].item(), sync, rtol=1e-12)

    # no mask: every row counts, sync is 0
    out = neck.gate_losses(torch.tensor(g))
    np.testing.assert_allclose(out['loss_rate'].item(),
                               np.mean((g.mean(1) - 0.3)**2), rtol=1e-12)
    assert out['loss_sync'].item() == 0.0

    # T = 1: smooth is 0; no recording with 2 valid views: sync is 0
    g1 = torch.tensor([[0.4], [0.2]], requires_grad=True)
    out = neck.gate_losses(g1, torch.tensor([[True, False]]))
    assert out['loss_smooth'].item() == 0.0
    assert out['loss_sync'].item() == 0.0
    np.testing.assert_allclose(out['loss_rate'].item(), (0.4 - 0.3)**2,
                               rtol=1e-6)
    sum(out.values()).backward()
    assert g1.grad is not None


def test_wrong_shape_raises():
    neck = _small()
    with pytest.raises(ValueError, match=r'\[B, T, 8\].*\(2, 5, 7\)'):
        neck(torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match=r'\(2, 8\)'):
        neck(torch.randn(2, 8))
    with pytest.raises(ValueError, match='scan'):
        _small(scan='fft')
