#!/usr/bin/python3
"""check_checkpoint.py - does PyTorch read a Ganvas checkpoint as the seed's modules?

Usage: /usr/bin/python3 tests/reference/check_checkpoint.py CHECKPOINT Z.f32 RAW.f32 [--bn eval|train]

Parses CHECKPOINT (safetensors: 8-byte little-endian header length, JSON header, raw data) with
a few lines of Python, loads `generator.*` and `discriminator.*` into the seed's Generator and
Discriminator with load_state_dict(strict=True) - every name, shape and dtype must fit - runs G
on the z in Z.f32 (N x latent float32 little-endian) in eval mode (or train mode: batch
statistics) and compares with RAW.f32 (N x 784 float32, e.g. from `ganvas sample --raw`).
Passes when the largest difference is within 1e-5 (outputs are tanh values in [-1, 1], so this is
about 1e-5 relative for typical pixels). Exit status 0 on agreement, 1 on mismatch or bad input.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_gan import Discriminator, Generator, safetensors_load  # noqa: E402

TOLERANCE = 1e-5


def main(argv):
    args = [a for a in argv[1:]]
    bn = "eval"
    if "--bn" in args:
        i = args.index("--bn")
        bn = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3 or bn not in ("eval", "train"):
        print(__doc__, file=sys.stderr)
        return 2
    checkpoint, z_path, raw_path = args
    torch.set_num_threads(1)

    metadata, tensors = safetensors_load(checkpoint)
    if metadata.get("format") != "ganvas-checkpoint":
        print("check_checkpoint: %s is not a Ganvas checkpoint (metadata %r)" % (checkpoint, metadata), file=sys.stderr)
        return 1
    config = json.loads(metadata["config"])
    g = Generator(latent=config["latent_dim"], hidden=tuple(config["g_hidden"]), slope=config["leaky_slope"])
    d = Discriminator(hidden=tuple(config["d_hidden"]), slope=config["leaky_slope"])
    for prefix, module in (("generator.", g), ("discriminator.", d)):
        state = {k[len(prefix):]: torch.from_numpy(v) for k, v in tensors.items() if k.startswith(prefix)}
        module.load_state_dict(state, strict=True)  # raises on any missing, unexpected or mis-shaped tensor

    z = np.fromfile(z_path, dtype="<f4").reshape(-1, config["latent_dim"])
    expected = np.fromfile(raw_path, dtype="<f4").reshape(-1, 784)
    if expected.shape[0] != z.shape[0]:
        print("check_checkpoint: %d z but %d images" % (z.shape[0], expected.shape[0]), file=sys.stderr)
        return 1
    g.train(bn == "train")
    with torch.no_grad():
        images = g(torch.from_numpy(z.copy())).numpy()
    diff = np.abs(images.astype(np.float64) - expected)
    worst = np.unravel_index(np.argmax(diff), diff.shape)
    print("check_checkpoint: %s, step %s: %d images, BatchNorm %s: largest |PyTorch - Ganvas| = %.3g at %s "
          "(PyTorch %.7f, Ganvas %.7f); tolerance %g" % (checkpoint, metadata.get("step"), z.shape[0], bn,
                                                         diff.max(), worst, images[worst], expected[worst], TOLERANCE))
    if not diff.max() <= TOLERANCE:
        print("check_checkpoint: MISMATCH", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
