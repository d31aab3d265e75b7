// main.cpp - `ganvas`, the native command-line tool: dispatches to subcommands.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.h"
#include "gemm_kernel_env.h"  // kernels: GANVAS_GEMM_KERNEL

static const char* kUsage =
    "ganvas - train and inspect the Ganvas GAN from the command line\n"
    "\n"
    "usage: ganvas <command> [options]\n"
    "\n"
    "commands:\n"
    "  train    train a GAN from a preset and write losses, a sample grid and a checkpoint\n"
    "  sample   draw images from a checkpoint's generator (PNG grid, raw float32)\n"
    "  bench    measure training speed (iterations/s, time per phase, GFLOP/s)\n"
    "\n"
    "Run `ganvas <command> --help` for a command's options.\n";

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    ganvas_cli::apply_gemm_kernel_env();  // kernels: the one call
    const std::string command = argv[1];
    const std::vector<std::string> rest(argv + 2, argv + argc);
    if (command == "train") return ganvas_cli::run_train(rest);
    if (command == "sample") return ganvas_cli::run_sample(rest);
    if (command == "bench") return ganvas_cli::run_bench(rest);
    std::fprintf(stderr, "ganvas: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return 2;
}
