#!/usr/bin/python3
"""make_conv_reference.py - PyTorch reference tensors for tests/test_conv_reference.cpp.

The convolutional layer kinds (core/nn/layers/conv2d.cpp, conv_transpose2d.cpp, batchnorm2d.cpp,
relu.cpp, reshape.cpp) one at a time, and Ganvas' arch=dcgan pair (core/gan/networks.h) as a
whole, computed in PyTorch (float32) on weights and inputs derived from Ganvas' random stream
(seed_gan.py), written to conv_reference.safetensors.

Usage:  /usr/bin/python3 tests/reference/make_conv_reference.py [OUT_DIR]   (default: this folder)
Deterministic: one CPU thread, no RNG but Ganvas' own stream; re-running reproduces the file
byte for byte.

The derivation rule (seed_gan.derive_weights, state_dict order, layer by layer, one stream), for
the convolutional kinds: Conv2d weight (O, C, k, k) then bias (O) ~ U(-b, b) with b = 1/sqrt(C k k);
ConvTranspose2d weight (C, O, k, k) then bias (O) ~ U(-b, b) with b = 1/sqrt(O k k) (PyTorch's
fan_in of that weight, size(1) k k); b computed in float32; BatchNorm2d as BatchNorm1d (weight
U(0.5, 1.5), bias U(-0.5, 0.5), running mean 0, var 1, num_batches_tracked 0).

Single layers (batch 4): weights from Rng(1234, 90), the cases in the order below; from
Rng(1234, 91), per case in the same order, x (normals, shape (4, C, H, W), C-order) then d_out
(normals, the output's shape). Every tensor of these cases is stored whole:
  conv_a   Conv2d(3, 5, 4, stride 2, padding 1) on 3x10x10 -> 5x5x5
  conv_b   Conv2d(2, 4, 3, stride 1, padding 0) on 2x7x9 -> 4x5x7 (not square)
  convt_a  ConvTranspose2d(4, 3, 4, stride 2, padding 1) on 4x7x7 -> 3x14x14
  convt_b  ConvTranspose2d(3, 2, 3, stride 1, padding 0) on 3x5x6 -> 2x7x8
    <case>.weight, <case>.bias           the derived weights (the C++ side derives them too)
    <case>.out, <case>.d_in              forward output; dL/dx for L = sum(out * d_out)
    <case>.grad.weight, <case>.grad.bias dL/dW, dL/db
    <case>.f64.out|d_in|grad.weight      the same from the same (float32) x, W, b, d_out computed in
                                         float64, rounded once to float32 (as make_d_remedies.py's mbstd)
    <case>.wrong.<variant>.<quantity>    the same quantity from a WRONG layer: what the test must
                                         be far from. Variants: flipped (the kernel rotated by 180
                                         degrees: a true convolution, not PyTorch's correlation;
                                         out, d_in, grad.weight), no_bias (out), hw_swapped (conv_b,
                                         convt_b: H and W exchanged in the indexing, i.e. each
                                         (H, W) map's buffer read as (W, H) and the output's
                                         (Wo, Ho) buffer stored as (Ho, Wo); out, d_in, grad.weight),
                                         weight_out_in (convt_a, convt_b: the weight's buffer read
                                         as (O, C, k, k), Conv2d's layout; out, d_in)
  bn2d     BatchNorm2d(3) in training mode (momentum 0.1, eps 1e-5) on 3x5x6, x = normals * 2
           + channel (0, 1, 2) (so the running mean moves): weight, bias derived
    bn2d.out, bn2d.d_in, bn2d.grad.weight, bn2d.grad.bias   as above (batch mean, biased var
                                         over N*H*W = 120)
    bn2d.running_mean, bn2d.running_var  after that one forward: 0.9 * (0, 1) + 0.1 * the batch's
                                         mean / UNBIASED variance (1/(N*H*W - 1))
    bn2d.num_batches_tracked             I64 scalar: 1
    bn2d.eval.out                        eval mode on the same x with those running statistics
    bn2d.wrong.biased_running_var        running_var from the biased variance
    bn2d.wrong.unbiased.out|d_in         normalising with the unbiased variance
    bn2d.wrong.per_feature.out|d_in|running_mean   BatchNorm1d over the C*H*W flattened
                                         features (statistics over N only)
  relu     ReLU on (4, 3, 4, 5): every 5th entry of x (flat index % 5 == 0) is exactly 0
    relu.out, relu.d_in                  d_in is 0 where x <= 0, so 0 at the exact zeros (PyTorch's
                                         threshold_backward; Ganvas' x > 0 ? d : 0)
    relu.wrong.ge_zero.d_in              d passed at x == 0 (x >= 0 ? d : 0)

The DCGAN pair (Ganvas' arch=dcgan, latent 16, g_hidden {8, 4}, d_hidden {4, 8}, batch 8):
  G: 0 Linear(16, 392), 1 BatchNorm1d(392), 2 ReLU, 3 Unflatten(1, (8, 7, 7)),
     4 ConvTranspose2d(8, 4, 4, 2, 1), 5 BatchNorm2d(4), 6 ReLU, 7 ConvTranspose2d(4, 1, 4, 2, 1),
     8 Tanh; its output used flattened (N, 784)
  D: 0 Unflatten(1, (1, 28, 28)), 1 Conv2d(1, 4, 4, 2, 1), 2 LeakyReLU(0.2), 3 Conv2d(4, 8, 4, 2, 1),
     4 LeakyReLU(0.2), 5 Flatten(), 6 Linear(392, 1); as in make_reference.py the PyTorch D ends in a
     Sigmoid (7, no tensors: the same state_dict) for seed_iteration's BCELoss, and the logits are
     D.model[:-1]; Ganvas' D ends at the logit and its objective is BCE with logits.
Weights: G then D from Rng(1234, 77). Inputs from Rng(1234, 92) in this order: z (8 x 16 normals),
x (8 x 784 uniform in [-1, 1)), z_g (8 x 16), then per iteration k = 0..9: real_k (8 x 784 uniform),
z_d_k, z_g_k (8 x 16). Stored ("summary" = .sample/.sum/.sumsq as make_reference.py's summarise):
  dcgan.init.{generator,discriminator}.<name>.*   summary of the derived weights
  dcgan.g.train.out                 summary: G(z), training mode, fresh weights         (8, 784)
  dcgan.g.after1.model.<i>.running_mean|running_var   full, after that forward
  dcgan.g.eval.out                  summary: G(z) in eval mode with those statistics
  dcgan.d.logits                    D's logits for x                                       (8, 1)
  dcgan.d_real.loss                 F64: BCE(D(x), 1)
  dcgan.d_real.grad.<name>.*, dcgan.d_real.input_grad.*   summaries: its D and x gradients
  dcgan.g_loss.loss                 F64: BCE(D(G(z_g)), 1), fresh weights, training mode
  dcgan.g_loss.d_input_grad.*       summary: its gradient for G's output
  dcgan.g_loss.z_grad               full: its gradient for z_g                              (8, 16)
  dcgan.g_loss.grad.<name>.*        summaries: its G gradients
  dcgan.train.d_loss, dcgan.train.g_loss   F64 (10): ten seed iterations (seed_gan.seed_iteration:
                                    Adam lr 2e-4, betas (0.5, 0.999), BCE, non-saturating G loss)
  dcgan.train.final.{generator,discriminator}.<name>.*   summary of every tensor after them
                                    (running statistics included)
  dcgan.train.final.generator.model.<i>.num_batches_tracked   I64: 20 (two G forwards per iteration)
"""
import os
import sys
import types

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import bn_stats, f32, summarise, summarise_module  # noqa: E402
from seed_gan import Rng, derive_weights, seed_iteration, seed_optimizers, write_reference  # noqa: E402

SEED = 1234
LAYER_WEIGHT_STREAM, LAYER_INPUT_STREAM, DCGAN_INPUT_STREAM = 90, 91, 92
DCGAN_WEIGHT_STREAM = 77  # seed_gan.WEIGHT_STREAM: G then D, as make_reference.fresh_networks
LAYER_BATCH, DCGAN_BATCH, ITERATIONS = 4, 8, 10
LATENT, G_HIDDEN, D_HIDDEN = 16, (8, 4), (4, 8)


# [SECTION] Single layers

def derive_layer(rng, layer):
    """One layer's tensors by seed_gan.derive_weights' rule (which takes a module with .model)."""
    derive_weights(rng, types.SimpleNamespace(model=[layer]))


def normals(rng, shape):
    return torch.from_numpy(rng.fill_normal(int(np.prod(shape))).reshape(shape))


def conv_run(layer, x, d_out, weight=None, bias=True, hw_swapped=False, flipped=False, dtype=torch.float32):
    """The layer (or a wrong variant of it) on x: out, d_in, dL/dW (L = sum(out * d_out)), in dtype."""
    w = (layer.weight if weight is None else weight).detach().to(dtype).requires_grad_(True)
    b = layer.bias.detach().to(dtype) if bias else None
    kernel = torch.flip(w, dims=(2, 3)) if flipped else w
    xg = x.to(dtype).requires_grad_(True)
    d_out = d_out.to(dtype)
    n, c, h, w_ = x.shape
    xi = xg.reshape(n, c, w_, h) if hw_swapped else xg  # the (H, W) buffer indexed as (W, H)
    if isinstance(layer, nn.Conv2d):
        y = nn.functional.conv2d(xi, kernel, b, layer.stride, layer.padding)
    else:
        y = nn.functional.conv_transpose2d(xi, kernel, b, layer.stride, layer.padding)
    if hw_swapped:
        y = y.reshape(y.shape[0], y.shape[1], y.shape[3], y.shape[2])
    d_in, d_w = torch.autograd.grad(y, [xg, w], d_out)
    return y, d_in, d_w


def conv_case(out, name, layer, in_shape, weights, inputs):
    derive_layer(weights, layer)
    x = normals(inputs, (LAYER_BATCH,) + in_shape)
    with torch.no_grad():
        y_shape = layer(x).shape
    d_out = normals(inputs, tuple(y_shape))
    out.append((name + ".weight", f32(layer.weight)))
    out.append((name + ".bias", f32(layer.bias)))
    xg = x.clone().requires_grad_(True)
    y = layer(xg)
    d_in, d_w, d_b = torch.autograd.grad(y, [xg, layer.weight, layer.bias], d_out)
    out += [(name + ".out", f32(y)), (name + ".d_in", f32(d_in)),
            (name + ".grad.weight", f32(d_w)), (name + ".grad.bias", f32(d_b))]
    y, d_in, d_w = conv_run(layer, x, d_out, dtype=torch.float64)
    out += [(name + ".f64.out", f32(y)), (name + ".f64.d_in", f32(d_in)), (name + ".f64.grad.weight", f32(d_w))]
    wrong = name + ".wrong."
    y, d_in, d_w = conv_run(layer, x, d_out, flipped=True)
    out += [(wrong + "flipped.out", f32(y)), (wrong + "flipped.d_in", f32(d_in)),
            (wrong + "flipped.grad.weight", f32(d_w))]
    y, _, _ = conv_run(layer, x, d_out, bias=False)
    out.append((wrong + "no_bias.out", f32(y)))
    if in_shape[1] != in_shape[2]:
        y, d_in, d_w = conv_run(layer, x, d_out, hw_swapped=True)
        out += [(wrong + "hw_swapped.out", f32(y)), (wrong + "hw_swapped.d_in", f32(d_in)),
                (wrong + "hw_swapped.grad.weight", f32(d_w))]
    if isinstance(layer, nn.ConvTranspose2d):
        c, o, k, _ = layer.weight.shape
        as_out_in = layer.weight.detach().reshape(o, c, k, k).transpose(0, 1)
        y, d_in, _ = conv_run(layer, x, d_out, weight=as_out_in)
        out += [(wrong + "weight_out_in.out", f32(y)), (wrong + "weight_out_in.d_in", f32(d_in))]


def batchnorm_manual(x, weight, bias, unbiased, per_feature):
    """BatchNorm2d's training-mode output with a chosen (possibly wrong) variance / grouping."""
    dims = (0,) if per_feature else (0, 2, 3)
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=unbiased, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-5) * weight.reshape(1, -1, 1, 1) + bias.reshape(1, -1, 1, 1)


def batchnorm_case(out, weights, inputs):
    c, h, w = 3, 5, 6
    layer = nn.BatchNorm2d(c).train()
    derive_layer(weights, layer)
    shift = torch.arange(c, dtype=torch.float32).reshape(1, c, 1, 1)
    x = normals(inputs, (LAYER_BATCH, c, h, w)) * 2.0 + shift  # * 2 is exact: no FMA question
    d_out = normals(inputs, (LAYER_BATCH, c, h, w))
    out += [("bn2d.weight", f32(layer.weight)), ("bn2d.bias", f32(layer.bias))]
    xg = x.clone().requires_grad_(True)
    y = layer(xg)
    d_in, d_w, d_b = torch.autograd.grad(y, [xg, layer.weight, layer.bias], d_out)
    out += [("bn2d.out", f32(y)), ("bn2d.d_in", f32(d_in)), ("bn2d.grad.weight", f32(d_w)),
            ("bn2d.grad.bias", f32(d_b)), ("bn2d.running_mean", f32(layer.running_mean)),
            ("bn2d.running_var", f32(layer.running_var)),
            ("bn2d.num_batches_tracked", np.array(int(layer.num_batches_tracked), dtype=np.int64))]
    layer.eval()
    with torch.no_grad():
        out.append(("bn2d.eval.out", f32(layer(x))))
    biased = x.var(dim=(0, 2, 3), unbiased=False)
    out.append(("bn2d.wrong.biased_running_var", f32(0.9 + 0.1 * biased)))
    wt, bs = layer.weight.detach(), layer.bias.detach()
    for variant, unbiased, per_feature in (("unbiased", True, False), ("per_feature", False, True)):
        xg = x.clone().requires_grad_(True)
        y = batchnorm_manual(xg, wt, bs, unbiased, per_feature)
        (d_in,) = torch.autograd.grad(y, xg, d_out)
        out += [("bn2d.wrong.%s.out" % variant, f32(y)), ("bn2d.wrong.%s.d_in" % variant, f32(d_in))]
    out.append(("bn2d.wrong.per_feature.running_mean", f32(0.1 * x.mean(dim=0).reshape(-1))))


def relu_case(out, inputs):
    x = normals(inputs, (LAYER_BATCH, 3, 4, 5))
    x.reshape(-1)[::5] = 0.0
    d_out = normals(inputs, (LAYER_BATCH, 3, 4, 5))
    xg = x.clone().requires_grad_(True)
    y = nn.ReLU()(xg)
    (d_in,) = torch.autograd.grad(y, xg, d_out)
    out += [("relu.out", f32(y)), ("relu.d_in", f32(d_in)),
            ("relu.wrong.ge_zero.d_in", f32(torch.where(x >= 0, d_out, torch.zeros_like(d_out))))]


def layer_reference(out):
    weights, inputs = Rng(SEED, LAYER_WEIGHT_STREAM), Rng(SEED, LAYER_INPUT_STREAM)
    conv_case(out, "conv_a", nn.Conv2d(3, 5, 4, 2, 1), (3, 10, 10), weights, inputs)
    conv_case(out, "conv_b", nn.Conv2d(2, 4, 3, 1, 0), (2, 7, 9), weights, inputs)
    conv_case(out, "convt_a", nn.ConvTranspose2d(4, 3, 4, 2, 1), (4, 7, 7), weights, inputs)
    conv_case(out, "convt_b", nn.ConvTranspose2d(3, 2, 3, 1, 0), (3, 5, 6), weights, inputs)
    batchnorm_case(out, weights, inputs)
    relu_case(out, inputs)


# [SECTION] The DCGAN pair

class DcganGenerator(nn.Module):
    def __init__(self, latent=LATENT, hidden=G_HIDDEN):
        super().__init__()
        c1, c2 = hidden
        self.model = nn.Sequential(
            nn.Linear(latent, c1 * 49), nn.BatchNorm1d(c1 * 49), nn.ReLU(), nn.Unflatten(1, (c1, 7, 7)),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.ConvTranspose2d(c2, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.model(z).flatten(1)


class DcganDiscriminator(nn.Module):
    def __init__(self, hidden=D_HIDDEN, slope=0.2):
        super().__init__()
        d1, d2 = hidden
        self.model = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, d1, 4, 2, 1), nn.LeakyReLU(slope),
            nn.Conv2d(d1, d2, 4, 2, 1), nn.LeakyReLU(slope), nn.Flatten(), nn.Linear(d2 * 49, 1),
            nn.Sigmoid())  # not Ganvas' (its D ends at the logit): for seed_iteration's BCELoss

    def forward(self, x):
        return self.model(x)


def dcgan_networks():
    g, d = DcganGenerator(), DcganDiscriminator()
    rng = Rng(SEED, DCGAN_WEIGHT_STREAM)
    derive_weights(rng, g)
    derive_weights(rng, d)
    return g.train(), d.train()


def dcgan_inputs():
    rng = Rng(SEED, DCGAN_INPUT_STREAM)

    def z():
        return normals(rng, (DCGAN_BATCH, LATENT))

    def images():
        return torch.from_numpy(rng.fill_uniform(DCGAN_BATCH * 784, -1.0, 1.0).reshape(DCGAN_BATCH, 784))

    z0, x, z_g = z(), images(), z()
    iterations = []
    for _ in range(ITERATIONS):
        real = images()
        iterations.append((real, z(), z()))
    return z0, x, z_g, iterations


def counters(out, prefix, g):
    for name, t in g.state_dict().items():
        if name.endswith("num_batches_tracked"):
            out.append((prefix + "." + name, np.array(int(t), dtype=np.int64)))


def dcgan_reference(out):
    z0, x, z_g, iterations = dcgan_inputs()
    bce = nn.BCELoss()
    ones = torch.ones(DCGAN_BATCH, 1)
    g, d = dcgan_networks()
    summarise_module(out, "dcgan.init.generator", g)
    summarise_module(out, "dcgan.init.discriminator", d)

    with torch.no_grad():
        summarise(out, "dcgan.g.train.out", g(z0))
        bn_stats(out, "dcgan.g.after1", g)
        g.eval()
        summarise(out, "dcgan.g.eval.out", g(z0))

    g, d = dcgan_networks()
    x_leaf = x.clone().requires_grad_(True)
    logits = d.model[:-1](x_leaf)
    out.append(("dcgan.d.logits", f32(logits)))
    loss = bce(d.model[-1](logits), ones)
    loss.backward()
    out.append(("dcgan.d_real.loss", np.array(loss.item(), dtype=np.float64)))
    summarise_module(out, "dcgan.d_real.grad", d, grads=True)
    summarise(out, "dcgan.d_real.input_grad", x_leaf.grad)

    g, d = dcgan_networks()
    z_leaf = z_g.clone().requires_grad_(True)
    images = g(z_leaf)
    images.retain_grad()
    loss = bce(d(images), ones)
    loss.backward()
    out.append(("dcgan.g_loss.loss", np.array(loss.item(), dtype=np.float64)))
    summarise(out, "dcgan.g_loss.d_input_grad", images.grad)
    out.append(("dcgan.g_loss.z_grad", f32(z_leaf.grad)))
    summarise_module(out, "dcgan.g_loss.grad", g, grads=True)

    g, d = dcgan_networks()
    opt_g, opt_d = seed_optimizers(g, d)
    losses = [seed_iteration(g, d, opt_g, opt_d, *it) for it in iterations]
    out.append(("dcgan.train.d_loss", np.array([l[0] for l in losses], dtype=np.float64)))
    out.append(("dcgan.train.g_loss", np.array([l[1] for l in losses], dtype=np.float64)))
    summarise_module(out, "dcgan.train.final.generator", g)
    summarise_module(out, "dcgan.train.final.discriminator", d)
    counters(out, "dcgan.train.final.generator", g)


def build(out):
    layer_reference(out)
    dcgan_reference(out)


if __name__ == "__main__":
    sys.exit(write_reference(__doc__, "conv_reference.safetensors", "tests/reference/make_conv_reference.py", build))
