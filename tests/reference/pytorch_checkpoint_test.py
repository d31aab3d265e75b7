#!/usr/bin/python3
"""pytorch_checkpoint_test.py - the ctest `pytorch_checkpoint`: checkpoints cross between Ganvas
and PyTorch in both directions, end to end through the `ganvas` CLI.

Usage: /usr/bin/python3 pytorch_checkpoint_test.py GANVAS_BINARY WORK_DIR MNIST_IMAGES_IDX

1. Ganvas -> PyTorch: `ganvas train` 50 steps, `ganvas sample --z --raw` (eval and train-mode
   BatchNorm), then check_checkpoint.py loads the checkpoint into the seed's modules and compares.
2. PyTorch -> Ganvas: make_reference.py --seed-checkpoint writes a seed-size checkpoint from the
   seed's modules plus z and G's eval output; `ganvas sample --z --raw` must match within 1e-5.
Exits 77 (ctest's SKIP_RETURN_CODE) when torch cannot be imported.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    import torch  # noqa: F401
except ImportError as e:
    print("pytorch_checkpoint: skipped, %s (install Debian's python3-torch)" % e)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(ganvas, work, images):
    os.makedirs(work, exist_ok=True)
    py = sys.executable

    # 1. Ganvas -> PyTorch.
    run([ganvas, "train", "--steps", "50", "--seed", "3", "--out", os.path.join(work, "run"), "--data", images])
    ckpt = os.path.join(work, "run", "checkpoint.safetensors")
    z = np.random.default_rng(5).standard_normal((16, 100)).astype("<f4")
    z_path = os.path.join(work, "z.f32")
    z.tofile(z_path)
    for bn in ("eval", "train"):
        raw = os.path.join(work, "ganvas_%s.f32" % bn)
        run([ganvas, "sample", "--checkpoint", ckpt, "--z", z_path, "--raw", raw, "--png",
             os.path.join(work, "grid_%s.png" % bn), "--bn", bn])
        run([py, os.path.join(HERE, "check_checkpoint.py"), ckpt, z_path, raw, "--bn", bn])

    # 2. PyTorch -> Ganvas.
    pt_ckpt, pt_z, pt_raw = (os.path.join(work, n) for n in ("pytorch.safetensors", "pytorch_z.f32", "pytorch_raw.f32"))
    run([py, os.path.join(HERE, "make_reference.py"), "--seed-checkpoint", pt_ckpt, pt_z, pt_raw])
    mine = os.path.join(work, "ganvas_from_pytorch.f32")
    run([ganvas, "sample", "--checkpoint", pt_ckpt, "--z", pt_z, "--raw", mine])
    expected = np.fromfile(pt_raw, dtype="<f4")
    actual = np.fromfile(mine, dtype="<f4")
    if expected.shape != actual.shape:
        print("pytorch_checkpoint: Ganvas wrote %d values, PyTorch %d" % (actual.size, expected.size))
        return 1
    diff = float(np.abs(actual.astype(np.float64) - expected).max())
    print("pytorch_checkpoint: PyTorch-written seed checkpoint: largest |Ganvas - PyTorch| = %.3g (tolerance 1e-5)" % diff)
    if not diff <= 1e-5:
        print("pytorch_checkpoint: MISMATCH")
        return 1
    print("pytorch_checkpoint: both directions agree")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(*sys.argv[1:]))
    except subprocess.CalledProcessError as e:
        print("pytorch_checkpoint: a step failed: %s" % e)
        sys.exit(1)
