// layers/reduce.h - the column reductions and the LeakyReLU select the layer kinds share.
//
// Column sums are plain row-by-row loops: each column is summed in row order, in every build.
// (Eigen's colwise().sum() uses its own SIMD order natively and a scalar order in wasm, which
// made native and wasm results differ in the last bits.) The inner loop runs across columns,
// so it still vectorises, lane by lane, without changing the order of any sum.
#pragma once

namespace ganvas {

// out[c] += sum over rows r of x[r][c]        x: (rows, cols), out: (cols)
inline void column_sums_accumulate(const float* x, int rows, int cols, float* __restrict out) {
    for (int r = 0; r < rows; ++r) {
        const float* __restrict row = x + size_t(r) * cols;
        for (int c = 0; c < cols; ++c) out[c] += row[c];
    }
}

// out[c] += sum over rows r of x[r][c] * y[r][c]
inline void column_dots_accumulate(const float* x, const float* y, int rows, int cols, float* __restrict out) {
    for (int r = 0; r < rows; ++r) {
        const float* __restrict xr = x + size_t(r) * cols;
        const float* __restrict yr = y + size_t(r) * cols;
        for (int c = 0; c < cols; ++c) out[c] += xr[c] * yr[c];
    }
}

// LeakyReLU's select: `value` where x > 0, slope * value elsewhere. Written as two selects
// against 0 plus a multiply-add, which vectorise: a conditional multiply (x > 0 ? x : slope * x)
// stays scalar and branchy - GCC may not speculate a multiply that could trap - and
// mispredicted on random signs (8% of a native step). Same values, except that -0 maps to +0.
// Shared by the plain and the fused forward and by backward.
inline float leaky_select(float x, float value, float slope) {
    return (x > 0.0f ? value : 0.0f) + slope * (x > 0.0f ? 0.0f : value);
}

}  // namespace ganvas
