#!/usr/bin/python3
"""make_reference.py - PyTorch reference tensors for tests/test_reference.cpp.

Runs the seed's generator and discriminator (seed_gan.py; docs/SEED.md) in PyTorch on weights
and inputs DERIVED from Ganvas' random stream, so neither needs to be stored, and writes:

  reference.safetensors      forward outputs, gradients, BatchNorm statistics, ten training
                             iterations' losses and final weights (see "What is stored" below)
  pytorch_checkpoint.safetensors
                             a Ganvas checkpoint written by PyTorch (a small config of the seed's
                             modules, after two training iterations, with Adam state), which
                             tests/test_checkpoint.cpp loads and continues training from

Usage:  /usr/bin/python3 tests/reference/make_reference.py [OUT_DIR]   (default: this folder)
        /usr/bin/python3 tests/reference/make_reference.py --seed-checkpoint CKPT Z.f32 RAW.f32
The second form writes a full seed-size checkpoint from PyTorch (derived weights, BatchNorm
running statistics from four training-mode forwards), 16 z and G's eval-mode output for them:
used by the `pytorch_checkpoint` ctest to check that Ganvas reads PyTorch's files (too big to commit).

Deterministic: one CPU thread, no RNG but Ganvas' own stream; re-running reproduces the committed
files byte for byte.

What is stored. Weights come from Rng(1234, 77), tensors in state_dict order, G then D (rule in
seed_gan.derive_weights); inputs from Rng(1234, 78) in this order: z0..z3 (8 x 100 normals each),
x (8 x 784 uniform in [-1, 1)), z_g (8 x 100), then per training iteration k = 0..9:
real_k (8 x 784 uniform), z_d_k, z_g_k (8 x 100 normals). Small outputs are stored whole; for a
big tensor T, "T.sample" holds 64 entries at flat indices floor(i * n / 64), i = 0..63 (all of
them when n <= 64), and "T.sum" / "T.sumsq" the float64 sum and sum of squares of all n entries.

  init.{generator,discriminator}.<name>.*   the derived weights (proves both sides derive alike)
  g.train.out            G(z0), training mode, fresh weights                        (8, 784)
  g.after1.<bn>.running_mean|running_var    after that one forward                  full
  g.after4.<bn>.running_mean|running_var    after three more forwards on z1, z2, z3 full
  g.eval.out             G(z0) in eval mode with those running statistics           (8, 784)
  d.logits, d.out        D's logit and probability for x                            (8, 1)
  d_real.loss            BCE(D(x), 1)                                               F64 scalar
  d_real.grad.<name>.*   its gradient for every D parameter
  d_real.input_grad      its gradient for x                                         (8, 784)
  g_loss.loss            BCE(D(G(z_g)), 1), G in training mode, fresh weights       F64 scalar
  g_loss.d_input_grad    its gradient for G's output (D's input)                    (8, 784)
  g_loss.z_grad          its gradient for z_g                                       (8, 100)
  g_loss.grad.<name>.*   its gradient for every G parameter
  train.d_loss, train.g_loss   the ten iterations' losses                           F64 (10)
  train.final.{generator,discriminator}.<name>.*   every tensor after ten iterations
  pt_ckpt.*              what tests/test_checkpoint.cpp checks after loading
                         pytorch_checkpoint.safetensors (see write_pytorch_checkpoint)
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_gan import (INPUT_SEED, INPUT_STREAM, WEIGHT_SEED, WEIGHT_STREAM, Discriminator,  # noqa: E402
                      Generator, Rng, derive_weights, safetensors_bytes, seed_iteration, seed_optimizers)

BATCH = 8
SAMPLE = 64
FORMAT_VERSION = "1"  # core/io/checkpoint.h kCheckpointFormatVersion


def fresh_networks(g_kwargs=None, d_kwargs=None):
    """The seed's G and D with derived weights, in training mode."""
    g, d = Generator(**(g_kwargs or {})), Discriminator(**(d_kwargs or {}))
    rng = Rng(WEIGHT_SEED, WEIGHT_STREAM)
    derive_weights(rng, g)
    derive_weights(rng, d)
    return g.train(), d.train()


def summarise(out, prefix, tensor):
    """Adds prefix.sample (F32), prefix.sum and prefix.sumsq (F64 scalars) for tensor."""
    flat = tensor.detach().reshape(-1).numpy().astype(np.float32)
    n = flat.size
    k = min(SAMPLE, n)
    out.append((prefix + ".sample", flat[[(i * n) // k for i in range(k)]]))
    wide = flat.astype(np.float64)
    out.append((prefix + ".sum", np.array(wide.sum(), dtype=np.float64)))
    out.append((prefix + ".sumsq", np.array((wide * wide).sum(), dtype=np.float64)))


def summarise_module(out, prefix, module, grads=False):
    for name, t in module.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        if grads:
            param = dict(module.named_parameters()).get(name)
            if param is None:
                continue
            t = param.grad
        summarise(out, prefix + "." + name, t)


def seed_training_reference(out, prefix, g, d, iterations):
    """Three seed iterations (seed_gan.seed_iteration) of g and d: prefix.d_loss, prefix.g_loss (F64)
    and a summary of every tensor after them (prefix.final.{generator,discriminator})."""
    opt_g, opt_d = seed_optimizers(g, d)
    losses = [seed_iteration(g, d, opt_g, opt_d, *it) for it in iterations[:3]]
    out.append((prefix + ".d_loss", np.array([l[0] for l in losses], dtype=np.float64)))
    out.append((prefix + ".g_loss", np.array([l[1] for l in losses], dtype=np.float64)))
    summarise_module(out, prefix + ".final.generator", g)
    summarise_module(out, prefix + ".final.discriminator", d)


def f32(array):
    """A float32 COPY (numpy views of a live tensor, e.g. running_var, would change later)."""
    return np.array(array.detach().numpy() if torch.is_tensor(array) else array, dtype=np.float32, copy=True)


def draw_inputs():
    rng = Rng(INPUT_SEED, INPUT_STREAM)

    def z():
        return torch.from_numpy(rng.fill_normal(BATCH * 100).reshape(BATCH, 100))

    def images():
        return torch.from_numpy(rng.fill_uniform(BATCH * 784, -1.0, 1.0).reshape(BATCH, 784))

    zs = [z() for _ in range(4)]
    x = images()
    z_g = z()
    iterations = []
    for _ in range(10):
        real = images()
        iterations.append((real, z(), z()))
    return zs, x, z_g, iterations


def bn_stats(out, prefix, g):
    for name, t in g.state_dict().items():
        if name.endswith("running_mean") or name.endswith("running_var"):
            out.append((prefix + "." + name, f32(t)))


def make_reference(out):
    zs, x, z_g, iterations = draw_inputs()
    bce = nn.BCELoss()

    # Derived weights.
    g, d = fresh_networks()
    summarise_module(out, "init.generator", g)
    summarise_module(out, "init.discriminator", d)

    # G forward: training mode, BatchNorm running statistics, eval mode.
    with torch.no_grad():
        out.append(("g.train.out", f32(g(zs[0]))))
        bn_stats(out, "g.after1", g)
        for z in zs[1:]:
            g(z)
        bn_stats(out, "g.after4", g)
        g.eval()
        out.append(("g.eval.out", f32(g(zs[0]))))

    # D forward and D's gradients for BCE(D(x), 1).
    g, d = fresh_networks()
    x_leaf = x.clone().requires_grad_(True)
    logits = d.model[:-1](x_leaf)
    probs = d.model[-1](logits)
    out.append(("d.logits", f32(logits)))
    out.append(("d.out", f32(probs)))
    loss = bce(probs, torch.ones(BATCH, 1))
    loss.backward()
    out.append(("d_real.loss", np.array(loss.item(), dtype=np.float64)))
    summarise_module(out, "d_real.grad", d, grads=True)
    out.append(("d_real.input_grad", f32(x_leaf.grad)))

    # The G loss, back through D into G.
    g, d = fresh_networks()
    z_leaf = z_g.clone().requires_grad_(True)
    images = g(z_leaf)
    images.retain_grad()
    loss = bce(d(images), torch.ones(BATCH, 1))
    loss.backward()
    out.append(("g_loss.loss", np.array(loss.item(), dtype=np.float64)))
    out.append(("g_loss.d_input_grad", f32(images.grad)))
    out.append(("g_loss.z_grad", f32(z_leaf.grad)))
    summarise_module(out, "g_loss.grad", g, grads=True)

    # Ten iterations of the seed's loop on the given data.
    g, d = fresh_networks()
    opt_g, opt_d = seed_optimizers(g, d)
    losses = [seed_iteration(g, d, opt_g, opt_d, real, z_d, z_gk) for real, z_d, z_gk in iterations]
    out.append(("train.d_loss", np.array([l[0] for l in losses], dtype=np.float64)))
    out.append(("train.g_loss", np.array([l[1] for l in losses], dtype=np.float64)))
    summarise_module(out, "train.final.generator", g)
    summarise_module(out, "train.final.discriminator", d)


# [SECTION] Checkpoints written by PyTorch

def config_json(latent, g_hidden, d_hidden, batch):
    adam = {"lr": 2e-4, "beta1": 0.5, "beta2": 0.999, "eps": 1e-8}
    return json.dumps({"latent_dim": latent, "g_hidden": list(g_hidden), "d_hidden": list(d_hidden),
                       "image_pixels": 784, "leaky_slope": 0.2, "batch_size": batch,
                       "adam_g": adam, "adam_d": adam}, separators=(",", ":"))


def checkpoint_tensors(g, d, opt_g=None, opt_d=None):
    """The Ganvas checkpoint layout (core/io/checkpoint.h): state_dicts under generator./discriminator.,
    Adam moments under optimizer.<net>.<name>.exp_avg|exp_avg_sq and optimizer.<net>.step."""
    tensors = []
    for prefix, net in (("generator", g), ("discriminator", d)):
        for name, t in net.state_dict().items():
            tensors.append((prefix + "." + name, t.numpy().copy()))
    for prefix, net, opt in (("generator", g, opt_g), ("discriminator", d, opt_d)):
        if opt is None:
            continue
        steps = set()
        for name, p in net.named_parameters():
            state = opt.state[p]
            tensors.append(("optimizer.%s.%s.exp_avg" % (prefix, name), state["exp_avg"].numpy().copy()))
            tensors.append(("optimizer.%s.%s.exp_avg_sq" % (prefix, name), state["exp_avg_sq"].numpy().copy()))
            steps.add(int(state["step"]))
        assert len(steps) == 1, "every parameter of one network has taken the same number of Adam steps"
        tensors.append(("optimizer.%s.step" % prefix, np.array(steps.pop(), dtype=np.int64)))
    return tensors


def write_pytorch_checkpoint(out_dir, out):
    """A small config (the checkpoint must stay small to be committed): the seed's modules with
    latent 8, G widths (8, 16, 16), D widths (8, 4), batch 8. Derived weights, two seed iterations on
    inputs from Rng(1234, 79), then written with Adam state, step 2 and seed 5. Stored in `out` for the
    C++ test: pt_ckpt.z (8 x 8, from the same stream), pt_ckpt.eval_out = G(z) in eval mode, and one
    more iteration's data (pt_ckpt.next.real, .z_d, .z_g), losses and resulting weights."""
    latent, g_hidden, d_hidden = 8, (8, 16, 16), (8, 4)
    g, d = fresh_networks({"latent": latent, "hidden": g_hidden}, {"hidden": d_hidden})
    opt_g, opt_d = seed_optimizers(g, d)
    rng = Rng(INPUT_SEED, 79)

    def z():
        return torch.from_numpy(rng.fill_normal(BATCH * latent).reshape(BATCH, latent))

    def images():
        return torch.from_numpy(rng.fill_uniform(BATCH * 784, -1.0, 1.0).reshape(BATCH, 784))

    for _ in range(2):
        real = images()
        seed_iteration(g, d, opt_g, opt_d, real, z(), z())
    metadata = {"format": "ganvas-checkpoint", "format_version": FORMAT_VERSION,
                "config": config_json(latent, g_hidden, d_hidden, BATCH), "step": "2", "seed": "5"}
    with open(os.path.join(out_dir, "pytorch_checkpoint.safetensors"), "wb") as f:
        f.write(safetensors_bytes(checkpoint_tensors(g, d, opt_g, opt_d), metadata))

    z_eval = z()
    g.eval()
    with torch.no_grad():
        eval_out = g(z_eval)
    g.train()
    real, z_d, z_g = images(), z(), z()
    d_loss, g_loss = seed_iteration(g, d, opt_g, opt_d, real, z_d, z_g)
    out += [("pt_ckpt.z", f32(z_eval)), ("pt_ckpt.eval_out", f32(eval_out)), ("pt_ckpt.next.real", f32(real)),
            ("pt_ckpt.next.z_d", f32(z_d)), ("pt_ckpt.next.z_g", f32(z_g)),
            ("pt_ckpt.next.d_loss", np.array(d_loss, dtype=np.float64)),
            ("pt_ckpt.next.g_loss", np.array(g_loss, dtype=np.float64))]
    summarise_module(out, "pt_ckpt.next.generator", g)
    summarise_module(out, "pt_ckpt.next.discriminator", d)


def write_seed_checkpoint(ckpt_path, z_path, raw_path):
    """Full seed-size checkpoint from PyTorch (no optimizer state), 16 z, and G's eval output."""
    g, d = fresh_networks()
    rng = Rng(INPUT_SEED, 81)
    with torch.no_grad():
        for _ in range(4):  # non-trivial running statistics
            g(torch.from_numpy(rng.fill_normal(BATCH * 100).reshape(BATCH, 100)))
        z = torch.from_numpy(rng.fill_normal(16 * 100).reshape(16, 100))
        g.eval()
        images = g(z)
    metadata = {"format": "ganvas-checkpoint", "format_version": FORMAT_VERSION,
                "config": config_json(100, (128, 256, 512), (512, 256), 64), "step": "0", "seed": "1"}
    with open(ckpt_path, "wb") as f:
        f.write(safetensors_bytes(checkpoint_tensors(g, d), metadata))
    f32(z).astype("<f4").tofile(z_path)
    f32(images).astype("<f4").tofile(raw_path)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if len(sys.argv) == 5 and sys.argv[1] == "--seed-checkpoint":
        write_seed_checkpoint(*sys.argv[2:5])
        return 0
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1] if len(sys.argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    out = []
    make_reference(out)
    write_pytorch_checkpoint(out_dir, out)
    metadata = {"format": "ganvas-reference", "torch": torch.__version__,
                "generator": "tests/reference/make_reference.py"}
    path = os.path.join(out_dir, "reference.safetensors")
    with open(path, "wb") as f:
        f.write(safetensors_bytes(out, metadata))
    for name in ("reference.safetensors", "pytorch_checkpoint.safetensors"):
        print("wrote %s (%d bytes)" % (os.path.join(out_dir, name), os.path.getsize(os.path.join(out_dir, name))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
