#!/usr/bin/python3
"""make_d_remedies.py - PyTorch reference tensors for tests/test_d_remedies_reference.cpp.

The two remedies of issue 10 that change D's layers (core/nn/layers/spectral_linear.cpp,
core/nn/layers/minibatch_stddev.cpp), computed in PyTorch on weights and inputs derived from
Ganvas' random stream (seed_gan.py, make_reference.py), written to d_remedies.safetensors (its
own file: remedies.safetensors belongs to make_remedies.py).

Usage:  /usr/bin/python3 tests/reference/make_d_remedies.py [OUT_DIR]   (default: this folder)
Deterministic: one CPU thread, no RNG but Ganvas' own stream; re-running reproduces the file
byte for byte.

Spectral normalisation: the semantics of torch.nn.utils.spectral_norm (the hook version; dim 0,
n_power_iterations 1, eps 1e-12), NOT torch.nn.utils.parametrizations.spectral_norm (which runs
15 power iterations when registered and iterates u before v). Per forward of a module in
training mode: v = normalize(W^T u), u = normalize(W v) in place (normalize(x) = x / max(|x|,
eps)), then sigma = u . (W v) and W_sn = W / sigma, u and v detached (no gradient through them).
In eval mode the stored u, v are used as they are. Initial u, v: Ganvas' own rule
(core/gan/networks.h discriminator_init_spectral), Rng(1234, 5) (streams::kSpectral), per
Linear in order u (out) then v (in) normals, each normalised (sum of squares in float64) - they
replace the ones torch draws at registration.

Minibatch standard deviation (ProGAN, Karras et al. 2018, section 3; for feature vectors):
in (N, F) -> out (N, F + 1) = [in, s],
    s = 1/F sum_f sqrt( 1/N sum_n (x_nf - mean_f)^2 + 1e-8 ),   mean_f = 1/N sum_n x_nf,
the biased (1/N) variance, eps = 1e-8 INSIDE the root (so a constant feature contributes 1e-4
and the gradient stays finite), the same s appended to every sample as one extra feature.

What is stored (F32 unless marked F64; "summary" = .sample/.sum/.sumsq as in make_reference.py;
D = the seed's D without its Sigmoid, weights derived as make_reference.py's fresh_networks()):
  sn.init.<i>.weight_u|weight_v    initial u, v of D's Linear model.<i> (Ganvas' rule above)
  sn.train.<i>.weight_u|weight_v   u, v after one training-mode forward on x (full)
  sn.train.<i>.sigma               F64: sigma of that forward (u . W v in float64 from PyTorch's u, v)
  sn.train.<i>.weight.*            summary: W_sn of that forward
  sn.train.logits                  D(x), training mode                               (8, 1)
  sn.eval.<i>.sigma, sn.eval.logits   then eval mode: the stored u, v, no iteration
  sn.loss_weights                  c (8): the backward's loss is L = sum_n c_n D(x)_n, training mode
  sn.grad.<name>.*                 summary: dL / d every D parameter (weight_orig, bias)
  sn.input_grad                    dL / dx                                           (8, 784)
  sn.grad_through_uv.<i>.weight_orig.*  summary: what dL/dW would be if u, v were NOT detached
                                   (the power iteration differentiated): the test must be far from it
  sn.gp.value (F64), sn.gp.input_grad, sn.gp.grad.<name>.*   WGAN-GP (lambda 10) on the SN D,
                                   fresh u, v, eps and points of make_remedies.py (create_graph=True)
  sn.r1.value (F64), sn.r1.input_grad, sn.r1.grad.<name>.*   R1 (gamma 5) on x, the same way
  mbstd.x                          (8, 256): 8 x 256 normals x 0.7 + 0.3 from Rng(1234, 83); column 7 is
                                   set to 0.25 everywhere (a constant feature: std = sqrt(eps))
  mbstd.d_out                      (8, 257) normals from the same stream after x
  mbstd.out, mbstd.d_in            the layer's output and input gradient for d_out (float64 math)
  mbstd_d.logits, mbstd_d.input_grad, mbstd_d.grad.<name>.*   the seed's D with the layer before
                                   its last Linear (model.5, 257 inputs): forward and dL/d* as sn.*
  train_both.d_loss, .g_loss       F64 (3): three seed iterations (seed_gan.seed_iteration) with spectral_norm
                                   AND minibatch_stddev on, data of make_reference.py
  train_both.final.{generator,discriminator}.<name>.*   summary of every tensor after them
                                   (D's includes weight_u, weight_v)
  train_sn_gp.d_loss, .g_loss, .g_scale, .final.*   the same for make_remedies.py's train_gp (wgan-gp,
                                   lambda 10, R1 gamma 2, its eps) with spectral_norm on: four power
                                   iterations per step (D(real), D(fake), D(x_hat), D(G(z))); R1 from
                                   the graph of D(real), so with that forward's u, v, as Ganvas does
"""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import draw_inputs, f32, fresh_networks, seed_training_reference, summarise, summarise_module  # noqa: E402
from make_remedies import d_logits, penalty_eps, r1_penalty, wgan_gp_penalty  # noqa: E402
from seed_gan import Generator, Rng, derive_weights, seed_optimizers, write_reference  # noqa: E402

SPECTRAL_STREAM = 5  # core/gan/streams.h streams::kSpectral
WEIGHT_SEED = 1234
MBSTD_EPS = 1e-8


# [SECTION] Spectral normalisation

def ganvas_normalize(x):
    """core/nn/layers/spectral_linear.cpp normalize_in_place: sum of squares in float64, the norm
    rounded to float32, then a float32 division."""
    norm = np.float32(np.sqrt(np.sum(x.astype(np.float64) ** 2)))
    return (x / max(norm, np.float32(1e-12))).astype(np.float32)


def linears(net):
    return [(i, m) for i, m in enumerate(net.model) if isinstance(m, nn.Linear)]


def apply_spectral_norm(d, seed=WEIGHT_SEED):
    """Wraps every Linear of d (weights already derived) in torch.nn.utils.spectral_norm and sets
    its u, v by Ganvas' rule from Rng(seed, kSpectral). Returns {layer index: (u0, v0)}."""
    rng = Rng(seed, SPECTRAL_STREAM)
    init = {}
    for i, m in linears(d):
        nn.utils.spectral_norm(m)
        u = ganvas_normalize(rng.fill_normal(m.out_features))
        v = ganvas_normalize(rng.fill_normal(m.in_features))
        with torch.no_grad():
            m.weight_u.copy_(torch.from_numpy(u))
            m.weight_v.copy_(torch.from_numpy(v))
        init[i] = (u, v)
    return init


def sn_sigma(m):
    """u . (W v) in float64 from the module's current u, v and weight_orig."""
    w = m.weight_orig.detach().double()
    return float(torch.dot(m.weight_u.double(), torch.mv(w, m.weight_v.double())))


def sn_discriminator():
    _, d = fresh_networks()
    init = apply_spectral_norm(d)
    return d, init


def manual_sn_logits(d, x):
    """D's logits with the power iteration from the initial u, v differentiated (not detached):
    what a wrong implementation would compute gradients of."""
    h = x
    for m in d_logits(d):
        if isinstance(m, nn.Linear):
            w = m.weight_orig
            u0 = m.weight_u_init
            v = torch.nn.functional.normalize(torch.mv(w.t(), u0), dim=0, eps=1e-12)
            u = torch.nn.functional.normalize(torch.mv(w, v), dim=0, eps=1e-12)
            h = torch.nn.functional.linear(h, w / torch.dot(u, torch.mv(w, v)), m.bias)
        else:
            h = m(h)
    return h


def spectral_reference(out, x, fake):
    d, init = sn_discriminator()
    for i, (u, v) in init.items():
        out.append(("sn.init.%d.weight_u" % i, u))
        out.append(("sn.init.%d.weight_v" % i, v))
        d.model[i].weight_u_init = torch.from_numpy(u.copy())
    rng = Rng(WEIGHT_SEED, 84)
    c = torch.from_numpy(rng.fill_normal(x.shape[0]))
    out.append(("sn.loss_weights", f32(c)))
    net = d_logits(d)
    xg = x.clone().requires_grad_(True)
    logits = net(xg)  # training mode: one power iteration per Linear
    out.append(("sn.train.logits", f32(logits)))
    for i, m in linears(d):
        out.append(("sn.train.%d.weight_u" % i, f32(m.weight_u)))
        out.append(("sn.train.%d.weight_v" % i, f32(m.weight_v)))
        out.append(("sn.train.%d.sigma" % i, np.array(sn_sigma(m), dtype=np.float64)))
        summarise(out, "sn.train.%d.weight" % i, m.weight)
    loss = (logits.reshape(-1) * c).sum()
    params = list(d.named_parameters())
    grads = torch.autograd.grad(loss, [xg] + [p for _, p in params])
    out.append(("sn.input_grad", f32(grads[0])))
    for (name, _), g in zip(params, grads[1:]):
        summarise(out, "sn.grad." + name, g)
    # The wrong gradient (through u and v): from the initial u, v, as the forward above.
    wrong = torch.autograd.grad((manual_sn_logits(d, x).reshape(-1) * c).sum(), [m.weight_orig for _, m in linears(d)])
    for (i, _), g in zip(linears(d), wrong):
        summarise(out, "sn.grad_through_uv.%d.weight_orig" % i, g)
    d.eval()
    with torch.no_grad():
        out.append(("sn.eval.logits", f32(net(x))))
    for i, m in linears(d):
        out.append(("sn.eval.%d.sigma" % i, np.array(sn_sigma(m), dtype=np.float64)))
    # Gradient penalties on a fresh SN D (fresh u, v), as make_remedies.py's penalty_reference.
    for kind in ("gp", "r1"):
        d, _ = sn_discriminator()
        net = d_logits(d)
        if kind == "gp":
            rng = Rng(1234, 80)
            eps = torch.from_numpy(np.array([rng.uniform() for _ in range(8)], dtype=np.float32))
            value, _, grad = wgan_gp_penalty(net, x, fake, eps, 10.0)
        else:
            value, grad = r1_penalty(net, x, 5.0)
        params = list(d.named_parameters())
        grads = torch.autograd.grad(value, [p for _, p in params], allow_unused=True)
        out.append(("sn.%s.value" % kind, np.array(value.item(), dtype=np.float64)))
        out.append(("sn.%s.input_grad" % kind, f32(grad)))
        for (name, p), g in zip(params, grads):
            summarise(out, "sn.%s.grad.%s" % (kind, name), torch.zeros_like(p) if g is None else g)


# [SECTION] Minibatch standard deviation

class MinibatchStddev(nn.Module):
    """[x, s] with s = mean_f sqrt(biased var_n(x[:, f]) + 1e-8), one value for the batch."""

    def forward(self, x):
        var = ((x - x.mean(dim=0, keepdim=True)) ** 2).mean(dim=0)
        s = torch.sqrt(var + MBSTD_EPS).mean()
        return torch.cat([x, s.expand(x.shape[0], 1)], dim=1)


class MbstdDiscriminator(nn.Module):
    """The seed's D with MinibatchStddev before its last Linear: model.0..5, Sigmoid model.6."""

    def __init__(self, hidden=(512, 256), slope=0.2):
        super().__init__()
        layers, width = [], 784
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(slope)]
            width = h
        layers += [MinibatchStddev(), nn.Linear(width + 1, 1), nn.Sigmoid()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def mbstd_discriminator():
    """G then D from Rng(1234, 77), as fresh_networks(), D with the layer."""
    g, d = Generator(), MbstdDiscriminator()
    rng = Rng(WEIGHT_SEED, 77)
    derive_weights(rng, g)
    derive_weights(rng, d)
    return g.train(), d.train()


def mbstd_reference(out, x):
    rng = Rng(WEIGHT_SEED, 83)
    xs = (rng.fill_normal(8 * 256).reshape(8, 256) * np.float32(0.7) + np.float32(0.3)).astype(np.float32)
    xs[:, 7] = np.float32(0.25)
    d_out = rng.fill_normal(8 * 257).reshape(8, 257)
    out.append(("mbstd.x", xs))
    out.append(("mbstd.d_out", d_out))
    xt = torch.from_numpy(xs).double().requires_grad_(True)
    y = MinibatchStddev()(xt)
    (d_in,) = torch.autograd.grad(y, xt, torch.from_numpy(d_out).double())
    out.append(("mbstd.out", f32(y.float())))
    out.append(("mbstd.d_in", f32(d_in.float())))
    # The whole D with the layer, float32 as PyTorch runs it.
    _, d = mbstd_discriminator()
    c = torch.from_numpy(Rng(WEIGHT_SEED, 84).fill_normal(8))
    xg = x.clone().requires_grad_(True)
    logits = d_logits(d)(xg)
    out.append(("mbstd_d.logits", f32(logits)))
    params = list(d.named_parameters())
    grads = torch.autograd.grad((logits.reshape(-1) * c).sum(), [xg] + [p for _, p in params])
    out.append(("mbstd_d.input_grad", f32(grads[0])))
    for (name, _), g in zip(params, grads[1:]):
        summarise(out, "mbstd_d.grad." + name, g)


# [SECTION] Training with both

def training_reference(out, iterations):
    g, d = mbstd_discriminator()
    apply_spectral_norm(d)
    seed_training_reference(out, "train_both", g, d, iterations)


def sn_gp_iteration(g, d, opt_g, opt_d, real, z_d, z_g, step, lam, gamma):
    """make_remedies.py's gp_iteration on the SN D, with R1 taken from the forward on the real
    batch (its u, v) as Ganvas' r1_penalty does, not from a fourth forward."""
    net = d_logits(d)
    opt_d.zero_grad()
    fake = g(z_d).detach()
    x = real.clone().requires_grad_(True)
    real_logits = net(x)  # power iteration 1
    loss = net(fake).mean() - real_logits.mean()  # 2
    gp, _, _ = wgan_gp_penalty(net, real, fake, penalty_eps(0, step, 0, real.shape[0]), lam)  # 3
    (grad,) = torch.autograd.grad(real_logits.sum(), x, create_graph=True)
    d_loss = loss + gp + gamma / 2 * (grad ** 2).sum(dim=1).mean()
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    scores = net(g(z_g))  # 4
    g_loss = -scores.mean()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss), float(scores.abs().mean())


def training_gp_reference(out, iterations):
    g, d = fresh_networks()
    apply_spectral_norm(d)
    opt_g, opt_d = seed_optimizers(g, d)
    losses = [sn_gp_iteration(g, d, opt_g, opt_d, real, z_d, z_g, k, 10.0, 2.0)
              for k, (real, z_d, z_g) in enumerate(iterations[:3])]
    for j, name in enumerate(("d_loss", "g_loss", "g_scale")):
        out.append(("train_sn_gp." + name, np.array([l[j] for l in losses], dtype=np.float64)))
    summarise_module(out, "train_sn_gp.final.generator", g)
    summarise_module(out, "train_sn_gp.final.discriminator", d)


def build(out):
    _, x, _, iterations = draw_inputs()
    spectral_reference(out, x, iterations[0][0])
    mbstd_reference(out, x)
    training_reference(out, iterations)
    training_gp_reference(out, iterations)


if __name__ == "__main__":
    sys.exit(write_reference(__doc__, "d_remedies.safetensors", "tests/reference/make_d_remedies.py", build))
