#!/usr/bin/python3
"""make_eval_reference.py - reference values for tests/test_eval.cpp (core/eval, nn/loss.h).

Writes eval_reference.safetensors (this folder, or OUT_DIR) with:

  ce.logits      (8, 10) F32   logits: N(0, 3) plus a few extreme ones (+-80, a near tie)
  ce.labels      (8,)    I64   targets 0-9
  ce.loss        ()      F64   torch.nn.functional.cross_entropy(logits, labels), float64 of torch's float32
  ce.grad        (8, 10) F32   its gradient for the logits (autograd, float32)
  fd.<case>.a, fd.<case>.b   (n, F) F32   two feature sets
  fd.<case>.mean_a (F) F64, fd.<case>.cov_a (F, F) F64   numpy mean and np.cov(rowvar=False) in float64
  fd.<case>.fd   ()      F64   the Fréchet distance |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 sqrtm(S_a S_b)),
                               sqrtm by scipy.linalg.sqrtm in float64 (the pytorch-fid formula)
  cases: "full"      a (400, 16), b (300, 16): correlated Gaussians with different means and covariances
         "deficient" a (400, 16), b (12, 16): S_b has rank 11 < 16, so sqrtm(S_a S_b) has zero eigenvalues
                     (the case Ganvas's clamp of tiny negative eigenvalues exists for)

Inputs come from numpy's PCG64 with fixed seeds, stored whole (small), so the C++ side needs no
generator of its own. Deterministic: re-running reproduces the file byte for byte.

Usage:  /usr/bin/python3 tests/reference/make_eval_reference.py [OUT_DIR]
Needs python3-scipy (Debian); PyTorch for the cross-entropy.
"""
import os
import sys

import numpy as np
import scipy.linalg
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_gan import safetensors_bytes  # noqa: E402


def cross_entropy(rng):
    logits = (rng.standard_normal((8, 10)) * 3).astype(np.float32)
    logits[1, 3] = 80.0      # a confident row: exp(80) overflows float without the max shift
    logits[2, :] = -80.0     # all very negative
    logits[2, 7] = -79.5
    logits[3, 4] = logits[3, 5] = 10.0  # a tie at the top
    labels = np.array([0, 3, 7, 5, 9, 1, 2, 8], dtype=np.int64)
    labels[6] = int(np.argmin(logits[6]))  # a very wrong row
    x = torch.tensor(logits, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(x, torch.tensor(labels))
    loss.backward()
    return [("ce.logits", logits), ("ce.labels", labels), ("ce.loss", np.array(loss.item(), dtype=np.float64)),
            ("ce.grad", x.grad.numpy().astype(np.float32))]


def fd_case(name, rng, n_a, n_b, f=16):
    mix_a = rng.standard_normal((f, f)) * 0.5
    mix_b = rng.standard_normal((f, f)) * 0.4 + np.eye(f) * 0.3
    a = (rng.standard_normal((n_a, f)) @ mix_a + rng.standard_normal(f)).astype(np.float32)
    b = (rng.standard_normal((n_b, f)) @ mix_b + rng.standard_normal(f) * 0.5).astype(np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    mu_a, mu_b = a64.mean(axis=0), b64.mean(axis=0)
    s_a, s_b = np.cov(a64, rowvar=False), np.cov(b64, rowvar=False)
    covmean = scipy.linalg.sqrtm(s_a @ s_b)
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # rounding puts tiny imaginary parts on a singular product
    diff = mu_a - mu_b
    fd = diff @ diff + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean)
    return [(f"fd.{name}.a", a), (f"fd.{name}.b", b), (f"fd.{name}.mean_a", mu_a), (f"fd.{name}.cov_a", s_a),
            (f"fd.{name}.fd", np.array(fd, dtype=np.float64))]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.set_num_threads(1)
    tensors = cross_entropy(np.random.default_rng(10))
    tensors += fd_case("full", np.random.default_rng(11), 400, 300)
    tensors += fd_case("deficient", np.random.default_rng(12), 400, 12)
    metadata = {"script": "tests/reference/make_eval_reference.py", "torch": torch.__version__,
                "numpy": np.__version__, "scipy": scipy.__version__}
    path = os.path.join(out_dir, "eval_reference.safetensors")
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors, metadata))
    for name, value in tensors:
        if value.ndim == 0:
            print(f"{name} = {float(value)!r}")
    print("wrote", path)


if __name__ == "__main__":
    main()
