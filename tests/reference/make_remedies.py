#!/usr/bin/python3
"""make_remedies.py - PyTorch reference tensors for tests/test_remedies_reference.cpp.

The remedies of issue 10 (core/gan/objective.h, core/gan/penalty.h, core/gan/gan.h), computed
in PyTorch from their textbook definitions on weights and inputs derived from Ganvas' random
stream (seed_gan.py), written to remedies.safetensors.

Usage:  /usr/bin/python3 tests/reference/make_remedies.py [OUT_DIR]   (default: this folder)
Deterministic: one CPU thread, no RNG but Ganvas' own stream; re-running reproduces the file
byte for byte.

What is stored (F32 unless marked F64; "summary" = .sample/.sum/.sumsq as in make_reference.py):
  obj.logits                       16 logits: 13 normals x 3 from Rng(1234, 82), then 1, -1, 0
  obj.<name>.<part>.loss           F64: the mean loss, part = d_real | d_fake | g, computed in
                                   float64 from the formulas of objective.h
  obj.<name>.<part>.grad           its gradient for each logit (autograd, float64, stored F32)
  obj.<name>.d_real_smooth.*       d_real with the real target 0.9 (bce, minimax, lsgan)
  gp.eps                           8 interpolation weights, Rng(1234, 80).uniform()
  gp.x_hat                         eps * x + (1 - eps) * real_0 (float32, that order)   (8, 784)
  gp.input_grad                    grad_x D(x_hat) (per sample; D = the seed's D, derived)
  gp.value                         F64: 10 * mean (||grad||_2 - 1)^2
  gp.grad.<name>.*                 summary: d gp.value / d every D parameter (create_graph=True)
  r1.value, r1.input_grad, r1.grad.<name>.*   the same for R1: 5/2 * mean ||grad_x D(x)||^2
  train_gp.g_scale                 F64 (3): mean |D(G(z))| of each G step (g_loss cancels: its floor)
  train_gp.d_loss, .g_loss         F64 (3): three iterations of wgan-gp (lambda 10) with R1
                                   (gamma 2) on iterations 0..2 of make_reference.py's data,
                                   eps from Ganvas' penalty stream (see penalty_eps)
  train_gp.final.{generator,discriminator}.<name>.*   summary of every tensor after them
  noise.x, noise.unit, noise.noisy   instance noise (core/gan/remedies_noise_ema.h): x = 2 x 784
                                   normals from Rng(1234, 84); unit = Ganvas' noise stream for D step 1
                                   of iteration 5, seed 7 (Rng(stream_seed(7, 5 * 17 + 1), 6)); noisy =
                                   x + float32(0.25 * unit), what D sees at sigma_t 0.25
  noise.d_grad.<name>.*            summary: d/d(D's weights) of bce's d_real, BCE(D(noisy), 1) / 2
  ema.before, ema.weights          64 normals each from Rng(1234, 85)
  ema.after.<decay>                one EMA update, ema.lerp_(weights, 1 - decay), fused (what
                                   torch.optim.swa_utils.get_ema_multi_avg_fn(decay) does),
                                   decay in 0.1 (the warm-up's first), 0.3, 0.999
  train_nobn.d_loss, .g_loss       F64 (3): three seed iterations with G's BatchNorm1d layers left
                                   out (g_batchnorm=false; G is model.0..7)
  train_nobn.final.{generator,discriminator}.<name>.*   summary of every tensor after them
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import draw_inputs, f32, fresh_networks, seed_training_reference, summarise, summarise_module  # noqa: E402
from seed_gan import Rng, seed_optimizers, write_reference  # noqa: E402

MASK64 = (1 << 64) - 1
PENALTY_STREAM = 4  # core/gan/streams.h streams::kPenalty
INSTANCE_NOISE_STREAM = 6  # streams::kInstanceNoise


# [SECTION] Objectives (float64)

def objectives(t):
    """name -> (d_real, d_fake, g) as functions of float64 logits; t = the real target."""
    def bce(x, y):
        return F.binary_cross_entropy_with_logits(x, torch.full_like(x, y))
    return {
        "bce": (lambda x: bce(x, t) / 2, lambda x: bce(x, 0.0) / 2, lambda x: bce(x, 1.0)),
        "minimax": (lambda x: bce(x, t) / 2, lambda x: bce(x, 0.0) / 2,
                    lambda x: torch.log(1 - torch.sigmoid(x)).mean()),
        "lsgan": (lambda x: ((x - t) ** 2).mean() / 2, lambda x: (x ** 2).mean() / 2,
                  lambda x: ((x - 1) ** 2).mean() / 2),
        "hinge": (lambda x: torch.relu(1 - x).mean(), lambda x: torch.relu(1 + x).mean(), lambda x: -x.mean()),
        "wgan-gp": (lambda x: -x.mean(), lambda x: x.mean(), lambda x: -x.mean()),
    }


def objective_reference(out):
    rng = Rng(1234, 82)
    logits = np.concatenate([rng.fill_normal(13) * np.float32(3), np.array([1, -1, 0], dtype=np.float32)])
    out.append(("obj.logits", logits))
    for smooth in (False, True):
        table = objectives(0.9 if smooth else 1.0)
        for name, parts in table.items():
            for part, fn in zip(("d_real", "d_fake", "g"), parts):
                if smooth and (part != "d_real" or name in ("hinge", "wgan-gp")):
                    continue
                x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
                loss = fn(x)
                (grad,) = torch.autograd.grad(loss, x)
                key = "obj.%s.%s" % (name, part + ("_smooth" if smooth else ""))
                out.append((key + ".loss", np.array(loss.item(), dtype=np.float64)))
                out.append((key + ".grad", f32(grad.float())))


# [SECTION] Gradient penalties

def d_logits(d):
    """The seed's D without its Sigmoid: Ganvas' D ends at the logit."""
    return d.model[:-1]


def input_gradient(net, x):
    """grad_x sum_i net(x)_i, kept differentiable (create_graph=True): row i is grad D(x_i)."""
    (grad,) = torch.autograd.grad(net(x).sum(), x, create_graph=True)
    return grad


def wgan_gp_penalty(net, real, fake, eps, lam):
    """lam * mean_i (||grad D(x_hat_i)|| - 1)^2, x_hat = eps * real + (1 - eps) * fake."""
    e = eps.reshape(-1, 1)
    x_hat = (e * real + (1 - e) * fake).detach().requires_grad_(True)
    grad = input_gradient(net, x_hat)
    return lam * ((grad.norm(2, dim=1) - 1) ** 2).mean(), x_hat, grad


def r1_penalty(net, real, gamma):
    """gamma / 2 * mean_i ||grad D(x_i)||^2 on real data."""
    x = real.detach().requires_grad_(True)
    grad = input_gradient(net, x)
    return gamma / 2 * (grad ** 2).sum(dim=1).mean(), grad


def store_penalty(out, prefix, value, grad, d):
    params = list(d.named_parameters())
    grads = torch.autograd.grad(value, [p for _, p in params], allow_unused=True)
    out.append((prefix + ".value", np.array(value.item(), dtype=np.float64)))
    out.append((prefix + ".input_grad", f32(grad)))
    for (name, p), g in zip(params, grads):
        summarise(out, prefix + ".grad." + name, torch.zeros_like(p) if g is None else g)


def penalty_reference(out, x, fake):
    _, d = fresh_networks()
    rng = Rng(1234, 80)
    eps = torch.from_numpy(np.array([rng.uniform() for _ in range(8)], dtype=np.float32))
    value, x_hat, grad = wgan_gp_penalty(d_logits(d), x, fake, eps, 10.0)
    out.append(("gp.eps", f32(eps)))
    out.append(("gp.x_hat", f32(x_hat)))
    store_penalty(out, "gp", value, grad, d)
    value, grad = r1_penalty(d_logits(d), x, 5.0)
    store_penalty(out, "r1", value, grad, d)


# [SECTION] Training with penalties

def mix64(x):
    """core/gan/streams.cpp mix64 (SplitMix64's finaliser)."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def penalty_eps(seed, step, d_step, n):
    """The penalty's eps in D step d_step of iteration `step` (steps done before it): one uniform per
    sample from Rng(stream_seed(seed, step * 16 + d_step), kPenalty), core/gan/penalty.h."""
    rng = Rng(mix64(mix64(seed) ^ (step * 16 + d_step)), PENALTY_STREAM)
    return torch.from_numpy(np.array([rng.uniform() for _ in range(n)], dtype=np.float32))


def gp_iteration(g, d, opt_g, opt_d, real, z_d, z_g, step, lam, gamma):
    net = d_logits(d)
    opt_d.zero_grad()
    fake = g(z_d).detach()
    loss = net(fake).mean() - net(real).mean()
    gp, _, _ = wgan_gp_penalty(net, real, fake, penalty_eps(0, step, 0, real.shape[0]), lam)
    r1, _ = r1_penalty(net, real, gamma)
    d_loss = loss + gp + r1
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    scores = net(g(z_g))
    g_loss = -scores.mean()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss), float(scores.abs().mean())


def training_reference(out, iterations):
    g, d = fresh_networks()
    opt_g, opt_d = seed_optimizers(g, d)
    losses = [gp_iteration(g, d, opt_g, opt_d, real, z_d, z_g, k, 10.0, 2.0)
              for k, (real, z_d, z_g) in enumerate(iterations[:3])]
    out.append(("train_gp.d_loss", np.array([l[0] for l in losses], dtype=np.float64)))
    out.append(("train_gp.g_loss", np.array([l[1] for l in losses], dtype=np.float64)))
    out.append(("train_gp.g_scale", np.array([l[2] for l in losses], dtype=np.float64)))
    summarise_module(out, "train_gp.final.generator", g)
    summarise_module(out, "train_gp.final.discriminator", d)


# [SECTION] G without BatchNorm (g_batchnorm=false)

def no_batchnorm_reference(out, iterations):
    """The seed's program with G's BatchNorm1d layers left out (model.0..7: the Linear indices close
    up): three seed iterations, their losses and the final weights."""
    g, d = fresh_networks(g_kwargs={"batchnorm": False})
    seed_training_reference(out, "train_nobn", g, d, iterations)


# [SECTION] Instance noise and the EMA of G

def noise_ema_reference(out):
    x = Rng(1234, 84).fill_normal(2 * 784).reshape(2, 784)
    rng = Rng(mix64(mix64(7) ^ (5 * 17 + 1)), INSTANCE_NOISE_STREAM)
    unit = rng.fill_normal(2 * 784).reshape(2, 784)
    noisy = torch.from_numpy(x) + torch.from_numpy(unit) * np.float32(0.25)
    out.append(("noise.x", f32(torch.from_numpy(x))))
    out.append(("noise.unit", f32(torch.from_numpy(unit))))
    out.append(("noise.noisy", f32(noisy)))
    _, d = fresh_networks()
    d.zero_grad()
    logits = d_logits(d)(noisy).reshape(-1)
    # bce's d_real half of D's loss, (BCE(D(x), 1) + BCE(D(G(z)), 0)) / 2 (core/gan/objective.h)
    (F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)) / 2).backward()
    for name, p in d.named_parameters():
        summarise(out, "noise.d_grad.%s" % name, p.grad)
    e = Rng(1234, 85)
    before, weights = torch.from_numpy(e.fill_normal(64)), torch.from_numpy(e.fill_normal(64))
    out.append(("ema.before", f32(before)))
    out.append(("ema.weights", f32(weights)))
    for decay in (0.1, 0.3, 0.999):
        # torch.optim.swa_utils.get_ema_multi_avg_fn(decay) (torch >= 2.1; this torch predates
        # it) is exactly torch._foreach_lerp_(ema, current, 1 - decay): the same lerp. On the
        # CPU it is a fused multiply-add in each branch (ATen's lerp: weight < 0.5 ?
        # fma(weight, end - self, self) : fma(-(end - self), 1 - weight, end)).
        # Ganvas' ema_decay setting is a float32 (config.h): d_t is float32(decay) widened.
        ema = before.clone()
        ema.lerp_(weights, 1 - float(np.float32(decay)))
        out.append(("ema.after.%g" % decay, f32(ema)))


def build(out):
    _, x, _, iterations = draw_inputs()
    objective_reference(out)
    penalty_reference(out, x, iterations[0][0])
    training_reference(out, iterations)
    noise_ema_reference(out)
    no_batchnorm_reference(out, iterations)


def main():
    return write_reference(__doc__, "remedies.safetensors", "tests/reference/make_remedies.py", build)


if __name__ == "__main__":
    sys.exit(main())
