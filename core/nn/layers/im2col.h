// layers/im2col.h - patches of feature maps as matrix rows, so a convolution is one GEMM.
//
// A convolution of x (N, C, H, W) with a k x k kernel, stride s and padding p has output
// positions (Ho, Wo), Ho = (H + 2p - k) / s + 1. im2col writes one row per (sample, output
// position) and one column per (channel, kernel row, kernel column):
//
//   cols[(n*Ho + oy)*Wo + ox][(c*k + ky)*k + kx] = x[n][c][oy*s - p + ky][ox*s - p + kx]
//                                                  (0 where that falls in the padding)
//
// so cols is (N*Ho*Wo, C*k*k), row-major. col2im is its adjoint: it adds every entry of cols back
// onto the pixel it was read from. Conv2d uses im2col forward and col2im for its input
// gradient; ConvTranspose2d the other way round (layers/conv2d.cpp, conv_transpose2d.cpp).
// Both run in one fixed order (n, oy, ox, c, ky, kx), so sums are the same in every build.
#pragma once

#include <cstddef>

namespace ganvas {

struct ConvGeometry {
    int c, h, w;    // the feature maps patches are read from
    int k, s, p;    // kernel side, stride, padding
    int ho, wo;     // output positions
    int positions() const { return ho * wo; }
    int patch() const { return c * k * k; }  // columns of cols
};

inline ConvGeometry conv_geometry(int c, int h, int w, int k, int s, int p) {
    return {c, h, w, k, s, p, (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1};
}

// The kernel columns [lo, hi) of output column ox that fall inside the input (the rest is padding).
inline void kernel_span(const ConvGeometry& g, int x0, int* lo, int* hi) {
    *lo = x0 < 0 ? -x0 : 0;
    *hi = x0 + g.k > g.w ? g.w - x0 : g.k;
    if (*hi < *lo) *hi = *lo;
}

// cols (batch * positions, patch) from x (batch, c, h, w).
inline void im2col(const ConvGeometry& g, int batch, const float* __restrict x, float* __restrict cols) {
    const int k = g.k;
    for (int n = 0; n < batch; ++n) {
        const float* xn = x + size_t(n) * g.c * g.h * g.w;
        for (int oy = 0; oy < g.ho; ++oy)
            for (int ox = 0; ox < g.wo; ++ox) {
                float* row = cols + (size_t(n) * g.positions() + size_t(oy) * g.wo + ox) * g.patch();
                const int y0 = oy * g.s - g.p, x0 = ox * g.s - g.p;
                int lo, hi;
                kernel_span(g, x0, &lo, &hi);
                for (int c = 0; c < g.c; ++c) {
                    const float* plane = xn + size_t(c) * g.h * g.w;
                    for (int ky = 0; ky < k; ++ky) {
                        const int iy = y0 + ky;
                        float* out = row + (size_t(c) * k + ky) * k;
                        if (iy < 0 || iy >= g.h) {
                            for (int kx = 0; kx < k; ++kx) out[kx] = 0.0f;
                            continue;
                        }
                        const float* line = plane + size_t(iy) * g.w + x0;
                        for (int kx = 0; kx < lo; ++kx) out[kx] = 0.0f;
                        for (int kx = lo; kx < hi; ++kx) out[kx] = line[kx];
                        for (int kx = hi; kx < k; ++kx) out[kx] = 0.0f;
                    }
                }
            }
    }
}

// x (batch, c, h, w) += the adjoint of im2col applied to cols.
inline void col2im_accumulate(const ConvGeometry& g, int batch, const float* __restrict cols, float* __restrict x) {
    const int k = g.k;
    for (int n = 0; n < batch; ++n) {
        float* xn = x + size_t(n) * g.c * g.h * g.w;
        for (int oy = 0; oy < g.ho; ++oy)
            for (int ox = 0; ox < g.wo; ++ox) {
                const float* row = cols + (size_t(n) * g.positions() + size_t(oy) * g.wo + ox) * g.patch();
                const int y0 = oy * g.s - g.p, x0 = ox * g.s - g.p;
                int lo, hi;
                kernel_span(g, x0, &lo, &hi);
                const int ky_lo = y0 < 0 ? -y0 : 0, ky_hi = y0 + k > g.h ? g.h - y0 : k;
                for (int c = 0; c < g.c; ++c) {
                    float* plane = xn + size_t(c) * g.h * g.w;
                    for (int ky = ky_lo; ky < ky_hi; ++ky) {
                        const float* in = row + (size_t(c) * k + ky) * k;
                        float* line = plane + size_t(y0 + ky) * g.w + x0;
                        for (int kx = lo; kx < hi; ++kx) line[kx] += in[kx];
                    }
                }
            }
    }
}

// Channels-first (batch, c, positions) <-> position-major rows (batch * positions, c): the
// layout of a GEMM's output rows and of NCHW feature maps.
inline void planes_to_rows(int batch, int c, int positions, const float* __restrict planes, float* __restrict rows) {
    for (int n = 0; n < batch; ++n)
        for (int ch = 0; ch < c; ++ch) {
            const float* src = planes + (size_t(n) * c + ch) * positions;
            float* dst = rows + size_t(n) * positions * c + ch;
            for (int q = 0; q < positions; ++q) dst[size_t(q) * c] = src[q];
        }
}

}  // namespace ganvas
