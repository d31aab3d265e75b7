// bench_main.cpp - main() of the standalone benchmark (the wasm build's ganvas_bench.js,
// run with node); natively the same code is `ganvas bench`.
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) { return ganvas_cli::run_bench(std::vector<std::string>(argv + 1, argv + argc)); }
