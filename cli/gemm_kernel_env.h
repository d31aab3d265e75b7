// gemm_kernel_env.h - GANVAS_GEMM_KERNEL: the front ends' override of the GEMM kernel the core
// picks by timing (nn/gemm.h). The core reads no environment; the CLI's main() calls this once:
//   GANVAS_GEMM_KERNEL=avx2 build/native/cli/ganvas bench --batches 64
// (every kernel gives the same bits: only the speed changes). Owned by the kernels work; kept
// out of the CLI's own files so that they need one line each.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "nn/gemm.h"

namespace ganvas_cli {

// Applies GANVAS_GEMM_KERNEL if set; an id this CPU cannot run is reported on stderr and the
// timed choice is kept. Returns false in that case.
inline bool apply_gemm_kernel_env() {
    const char* want = std::getenv("GANVAS_GEMM_KERNEL");
    if (!want || !*want || ganvas::gemm_use_kernel(want)) return true;
    std::string ids;
    for (const std::string& id : ganvas::gemm_kernels()) ids += " " + id;
    std::fprintf(stderr, "ganvas: GANVAS_GEMM_KERNEL=%s is not a kernel this CPU runs (it runs:%s); timing them\n",
                 want, ids.c_str());
    return false;
}

}  // namespace ganvas_cli
