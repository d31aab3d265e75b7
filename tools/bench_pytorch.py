#!/usr/bin/python3
"""bench_pytorch.py - the seed's PyTorch training loop, timed: the reference for `ganvas bench`.

    /usr/bin/python3 tools/bench_pytorch.py [--batch 64] [--threads 1] [--trials 3] [--steps 300]
                                            [--warmup 20]

Runs the seed's program as its users run it (SEED.md): its modules with in-place LeakyReLU, its
D step + G step, on data already in memory (random values in [-1, 1]; the loader is not timed),
with Debian's python3-torch on OpenBLAS, one thread by default: 20 warm-up iterations, then
trials of 300 timed iterations. Prints one JSON line like `ganvas bench --json`:
{"config": "pytorch-seed", "batch", "threads" (cores used: the larger of torch's intra-op
threads and OPENBLAS_NUM_THREADS), "torch_threads", "blas_threads", "iters_per_sec" (median of
trials)}. On several cores, give the cores to OpenBLAS or to torch, not both: here both on two
cores ran at 20 it/s, OpenBLAS alone at 73 (scripts/bench.sh tries both and keeps the faster).
Short trials or out-of-place activations flatter Ganvas: keep these defaults for comparisons.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(100, 128), nn.LeakyReLU(0.2, inplace=True), nn.Linear(128, 256),
                      nn.BatchNorm1d(256), nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 512),
                      nn.BatchNorm1d(512), nn.LeakyReLU(0.2, inplace=True), nn.Linear(512, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2, inplace=True), nn.Linear(512, 256),
                      nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 1), nn.Sigmoid())
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    b = args.batch
    real_data = torch.rand(b * 8, 784) * 2 - 1
    ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)

    def step(i):
        real = real_data[(i % 8) * b:(i % 8 + 1) * b]
        opt_d.zero_grad()
        fake = g(torch.randn(b, 100))
        d_loss = (bce(d(real), ones) + bce(d(fake.detach()), zeros)) / 2
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = bce(d(g(torch.randn(b, 100))), ones)
        g_loss.backward()
        opt_g.step()

    for i in range(args.warmup):
        step(i)
    rates = []
    for _ in range(args.trials):
        t0 = time.perf_counter()
        for i in range(args.steps):
            step(i)
        rates.append(args.steps / (time.perf_counter() - t0))
    blas = int(os.environ.get("OPENBLAS_NUM_THREADS", "0") or 0)
    print(json.dumps({"config": "pytorch-seed", "batch": b, "threads": max(args.threads, blas),
                      "torch_threads": args.threads, "blas_threads": blas,
                      "iters_per_sec": round(statistics.median(rates), 2)}))


if __name__ == "__main__":
    main()
