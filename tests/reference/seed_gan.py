"""seed_gan.py - what the reference scripts share: the seed's PyTorch modules, Ganvas' random
stream re-implemented bit for bit, the weight-derivation rule, and safetensors in a few lines.

Nothing here comes from Ganvas' C++: the random stream is re-implemented from its definition
(PCG32 XSH-RR 64/32, pcg32_srandom_r seeding; see core/base/rng.h), so agreement is evidence.
Run with Debian's python3-torch (/usr/bin/python3); needs torch and numpy only.
"""
import json
import math
import struct

import numpy as np
import torch
from torch import nn

# [SECTION] The seed's modules (docs/SEED.md), widths as parameters; the defaults ARE the seed.

SEED_LATENT = 100
SEED_G_HIDDEN = (128, 256, 512)
SEED_D_HIDDEN = (512, 256)
IMAGE_PIXELS = 784


class Generator(nn.Module):
    """Linear(latent, h0), LeakyReLU(0.2), then per further width Linear, BatchNorm1d, LeakyReLU(0.2);
    Linear(h_last, 784), Tanh. With the defaults: the seed's indices 0..9."""

    def __init__(self, latent=SEED_LATENT, hidden=SEED_G_HIDDEN, slope=0.2, batchnorm=True):
        super().__init__()
        layers, width = [], latent
        for i, h in enumerate(hidden):
            layers.append(nn.Linear(width, h))
            if i > 0 and batchnorm:  # batchnorm False: Ganvas's g_batchnorm=false
                layers.append(nn.BatchNorm1d(h))  # eps 1e-5, momentum 0.1: PyTorch's defaults
            layers.append(nn.LeakyReLU(slope))
            width = h
        layers += [nn.Linear(width, IMAGE_PIXELS), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, z):
        return self.model(z)


class Discriminator(nn.Module):
    """Per width Linear, LeakyReLU(0.2); Linear(h_last, 1), Sigmoid. Defaults: the seed's 0..5."""

    def __init__(self, hidden=SEED_D_HIDDEN, slope=0.2):
        super().__init__()
        layers, width = [], IMAGE_PIXELS
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(slope)]
            width = h
        layers += [nn.Linear(width, 1), nn.Sigmoid()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def seed_optimizers(g, d):
    """The seed's optimisers: Adam lr 2e-4, betas (0.5, 0.999), eps 1e-8, one per network."""
    return (torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8),
            torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8))


def seed_iteration(g, d, opt_g, opt_d, real, z_d, z_g):
    """One iteration of the seed's loop body with given data. Returns (d_loss, g_loss) as floats."""
    bce = nn.BCELoss()
    n = real.shape[0]
    valid, fake = torch.ones(n, 1), torch.zeros(n, 1)
    opt_d.zero_grad()
    gen = g(z_d)
    d_loss = (bce(d(real), valid) + bce(d(gen.detach()), fake)) / 2
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    g_loss = bce(d(g(z_g)), valid)
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


# [SECTION] Ganvas' random stream (core/base/rng.cpp), exactly

MASK64 = (1 << 64) - 1


def det_log(x):
    """core/base/rng.cpp det_log: the natural log from frexp, + * / on doubles only."""
    m, e = math.frexp(x)
    if m < 0.70710678118654752440:
        m *= 2.0
        e -= 1
    t = (m - 1.0) / (m + 1.0)
    t2 = t * t
    term, total = t, 0.0
    for k in range(1, 42, 2):
        total += term / k
        term *= t2
    return 2.0 * total + e * 0.69314718055994530942


class Rng:
    """PCG32 (XSH-RR 64/32) with Ganvas' uniform and polar-method normal."""

    def __init__(self, seed, stream):
        self.state = 0
        self.inc = ((stream << 1) | 1) & MASK64
        self.next_u32()
        self.state = (self.state + seed) & MASK64
        self.next_u32()
        self.spare = None

    def next_u32(self):
        old = self.state
        self.state = (old * 6364136223846793005 + self.inc) & MASK64
        xorshifted = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & 0xFFFFFFFF

    def uniform(self):
        """[0, 1) from the top 24 bits: exact in float32."""
        return np.float32((self.next_u32() >> 8) * (1.0 / 16777216.0))

    def uniform_range(self, lo, hi):
        """float32 lo + (hi - lo) * u, rounded after each operation as the C++ does."""
        lo, hi = np.float32(lo), np.float32(hi)
        return np.float32(lo + np.float32(np.float32(hi - lo) * self.uniform()))

    def uniform_double(self):
        hi = self.next_u32() >> 5
        lo = self.next_u32() >> 6
        return float((hi << 26) | lo) * (1.0 / 9007199254740992.0)

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        while True:
            u = 2.0 * self.uniform_double() - 1.0
            v = 2.0 * self.uniform_double() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        factor = math.sqrt(-2.0 * det_log(s) / s)
        self.spare = v * factor
        return u * factor

    def fill_uniform(self, n, lo, hi):
        return np.array([self.uniform_range(lo, hi) for _ in range(n)], dtype=np.float32)

    def fill_normal(self, n):
        return np.array([self.normal() for _ in range(n)], dtype=np.float64).astype(np.float32)


# [SECTION] Derived weights and inputs (the rule tests/test_reference.cpp implements too)

WEIGHT_SEED, WEIGHT_STREAM = 1234, 77
INPUT_SEED, INPUT_STREAM = 1234, 78


def derive_weights(rng, module):
    """Fills module's Linear, Conv2d, ConvTranspose2d and BatchNorm1d/2d tensors in state_dict
    order from rng: weight then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (bound computed in
    float32), fan_in PyTorch's: weight[0].numel(), i.e. in_features, C k k for a Conv2d weight
    (O, C, k, k), O k k for a ConvTranspose2d weight (C, O, k, k); BatchNorm weight ~ U(0.5, 1.5),
    bias ~ U(-0.5, 0.5); running stats stay at 0 / 1."""
    with torch.no_grad():
        for layer in module.model:
            if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                bound = np.float32(1.0) / np.sqrt(np.float32(layer.weight[0].numel()))
                w = rng.fill_uniform(layer.weight.numel(), -bound, bound)
                b = rng.fill_uniform(layer.bias.numel(), -bound, bound)
                layer.weight.copy_(torch.from_numpy(w.reshape(layer.weight.shape)))
                layer.bias.copy_(torch.from_numpy(b))
            elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
                layer.weight.copy_(torch.from_numpy(rng.fill_uniform(layer.num_features, 0.5, 1.5)))
                layer.bias.copy_(torch.from_numpy(rng.fill_uniform(layer.num_features, -0.5, 0.5)))
                layer.running_mean.zero_()
                layer.running_var.fill_(1.0)
                layer.num_batches_tracked.zero_()


# [SECTION] safetensors: 8-byte LE header length, JSON header, raw LE data

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U32": np.uint32, "U64": np.uint64}


def safetensors_bytes(tensors, metadata):
    """tensors: list of (name, numpy array) in file order; metadata: dict of str -> str."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors:
        dtype = next(k for k, v in DTYPES.items() if array.dtype == v)
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # 8-byte aligned data, as the safetensors library writes
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def safetensors_load(path):
    """Returns (metadata dict, {name: numpy array}). Trusts the file: for our own tests only."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = memoryview(blob)[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"]).copy()
    return metadata, tensors


# [SECTION] A reference script's main

def write_reference(doc, file_name, generator, build):
    """Parses [OUT_DIR] (default: this folder), runs build(out) on one deterministic CPU thread and
    writes out (a list of (name, array)) to OUT_DIR/file_name. Returns the exit code."""
    import os
    import sys
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(doc, file=sys.stderr)
        return 2
    out_dir = sys.argv[1] if len(sys.argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    out = []
    build(out)
    metadata = {"format": "ganvas-reference", "torch": torch.__version__, "generator": generator}
    path = os.path.join(out_dir, file_name)
    with open(path, "wb") as f:
        f.write(safetensors_bytes(out, metadata))
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    return 0
