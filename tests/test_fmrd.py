import numpy as np
import pytest
import torch

import kdmvnet_mm  # noqa: F401
from kdmvnet_mm.models.losses import FMRDLoss, SoftTargetKLLoss
from mmaction.registry import MODELS


def _cos(a, b):
    return (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) *
                              np.linalg.norm(b, axis=-1))


def _numpy_fmrd(zs, zt, mask, ids, W, graw, braw, view_ids, align):
    gamma = 1 + graw - graw.mean(0)
    beta = braw - braw.mean(0)
    row = {v: i for i, v in enumerate(view_ids)}
    anchor, recon = [], []
    for b in range(len(zs)):
        c = zt[b][mask[b]].mean(0)
        anchor.append(1 - _cos(align(zs[b]), c))
        for v in np.flatnonzero(mask[b]):
            r = row[int(ids[b, v])]
            z_hat = c + gamma[r] * (W @ zs[b]) + beta[r]
            recon.append(1 - _cos(z_hat, zt[b, v]))
    return np.mean(anchor), np.mean(recon)


def _case(seed=0, Ds=5, Dt=5):
    rng = np.random.default_rng(seed)
    loss = FMRDLoss(Ds, Dt, view_ids=(1, 2, 3), anchor_weight=0.7,
                    recon_weight=1.3).double()
    with torch.no_grad():
        loss.gamma_raw.copy_(torch.tensor(rng.normal(size=(3, Dt))))
        loss.beta_raw.copy_(torch.tensor(rng.normal(size=(3, Dt))))
    zs = rng.normal(size=(3, Ds))
    zt = rng.normal(size=(3, 3, Dt))
    mask = np.array([[True, True, True], [True, False, True],
                     [False, True, False]])
    ids = np.array([[1, 2, 3], [3, 1, 2], [2, 3, 1]])
    return loss, zs, zt, mask, ids


def _run(loss, zs, zt, mask, ids):
    return loss(
        torch.tensor(zs), torch.tensor(zt), torch.tensor(mask),
        torch.tensor(ids))


@pytest.mark.parametrize('Ds', [5, 4])
def test_matches_numpy(Ds):
    loss, zs, zt, mask, ids = _case(Ds=Ds)
    out = _run(loss, zs, zt, mask, ids)
    if Ds == 5:
        assert isinstance(loss.align, torch.nn.Identity)
        align = lambda z: z  # noqa: E731
    else:
        A = loss.align.weight.detach().numpy()
        bias = loss.align.bias.detach().numpy()
        align = lambda z: A @ z + bias  # noqa: E731
    anchor, recon = _numpy_fmrd(zs, zt, mask, ids,
                                loss.W.weight.detach().numpy(),
                                loss.gamma_raw.detach().numpy(),
                                loss.beta_raw.detach().numpy(), (1, 2, 3),
                                align)
    np.testing.assert_allclose(out['loss_anchor'].item(), 0.7 * anchor,
                               rtol=1e-10)
    np.testing.assert_allclose(out['loss_recon'].item(), 1.3 * recon,
                               rtol=1e-10)


def test_centring_and_masked_views_matter():
    loss, zs, zt, mask, ids = _case()
    base = _run(loss, zs, zt, mask, ids)
    # a common offset of the raw parameters is removed by the centring
    with torch.no_grad():
        loss.gamma_raw += 2.0
        loss.beta_raw -= 3.0
    shifted = _run(loss, zs, zt, mask, ids)
    for k in base:
        torch.testing.assert_close(shifted[k], base[k])
    # masked teacher views do not count
    zt2 = zt.copy()
    zt2[~mask] = 100.0
    masked = _run(loss, zs, zt2, mask, ids)
    for k in base:
        torch.testing.assert_close(masked[k], base[k])


def test_camera_ids_select_parameters():
    loss, zs, zt, mask, ids = _case()
    base = _run(loss, zs, zt, mask, ids)
    perm = [2, 0, 1]
    permuted = _run(loss, zs, zt[:, perm], mask[:, perm], ids[:, perm])
    for k in base:
        torch.testing.assert_close(permuted[k], base[k])
    # swapping the ids (but not the views) changes the reconstruction
    swapped = _run(loss, zs, zt, mask, ids[:, perm])
    assert abs(swapped['loss_recon'].item() -
               base['loss_recon'].item()) > 1e-6
    # invalid slots may carry any id
    ids_pad = ids.copy()
    ids_pad[~mask] = 0
    torch.testing.assert_close(
        _run(loss, zs, zt, mask, ids_pad)['loss_recon'], base['loss_recon'])
    ids_bad = ids.copy()
    ids_bad[0, 1] = 7
    with pytest.raises(ValueError, match=r'7.*\[1, 2, 3\]'):
        _run(loss, zs, zt, mask, ids_bad)


def test_gradients_student_only():
    loss = MODELS.build(dict(type='FMRDLoss', student_channels=6,
                             teacher_channels=4))
    zs = torch.randn(2, 6, requires_grad=True)
    zt = torch.randn(2, 3, 4, requires_grad=True)
    out = loss(zs, zt, torch.ones(2, 3, dtype=torch.bool),
               torch.tensor([[1, 2, 3], [1, 2, 3]]))
    sum(out.values()).backward()
    assert zs.grad is not None and zt.grad is None
    assert loss.gamma_raw.grad.abs().sum() > 0
    assert loss.align.weight.grad is not None


def test_sequence_inputs_are_resampled():
    loss = FMRDLoss(6, 4)
    zs = torch.randn(2, 10, 6)
    zt = torch.randn(2, 3, 25, 4)
    mask = torch.tensor([[True, True, False], [True, True, True]])
    ids = torch.tensor([[1, 2, 3], [1, 2, 3]])
    out = loss(zs, zt, mask, ids)
    assert out['loss_anchor'].shape == () and out['loss_recon'].shape == ()
    assert torch.isfinite(out['loss_anchor'] + out['loss_recon'])
    # a teacher constant in time resamples to itself
    pooled = loss(zs[:, 0], zt[:, :, 0], mask, ids)
    const = loss(zs[:, :1].expand(-1, 10, -1),
                 zt[:, :, :1].expand(-1, -1, 25, -1), mask, ids)
    for k in pooled:
        torch.testing.assert_close(const[k], pooled[k])
    # same length: no resampling, equals the per-step pooled losses averaged
    zt10 = torch.randn(2, 3, 10, 4)
    seq = loss(zs, zt10, mask, ids)
    steps = [loss(zs[:, t], zt10[:, :, t], mask, ids) for t in range(10)]
    for k in seq:
        torch.testing.assert_close(seq[k],
                                   torch.stack([s[k] for s in steps]).mean())
    with pytest.raises(ValueError, match='pooled'):
        loss(zs[:, 0], zt, mask, ids)


def test_soft_target_kl_matches_numpy():
    rng = np.random.default_rng(0)
    s, t = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    T = 4.0

    def softmax(x):
        e = np.exp(x - x.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    p, q = softmax(t / T), softmax(s / T)
    ref = T * T * np.mean(np.sum(p * (np.log(p) - np.log(q)), 1))
    loss = MODELS.build(dict(type='SoftTargetKLLoss', loss_weight=0.5))
    assert loss.temperature == 4.0
    st = torch.tensor(s, requires_grad=True)
    tt = torch.tensor(t, requires_grad=True)
    out = loss(st, tt)
    np.testing.assert_allclose(out.item(), 0.5 * ref, rtol=1e-10)
    out.backward()
    assert st.grad is not None and tt.grad is None
