// layers/minibatch_stddev.cpp - ProGAN's minibatch standard deviation (Karras et al. 2018, 3),
// for feature vectors: in (N, F) -> out (N, F + 1), out = [in, s] with one scalar per batch
//   s = 1/F sum_f sqrt(1/N sum_n (x_nf - mean_f)^2 + 1e-8)
// (the biased variance over the batch, 1e-8 inside the root, as ProGAN's code), the same value
// appended to every sample. It lets D see how varied a batch is, so a G that collapses to a few
// outputs is told apart from the data. No tensors; the cache keeps mean_f and std_f (2 F).
// Backward: d_in = d_out[:, :F] + (sum_n d_out[n, F]) (x_nf - mean_f) / (N F std_f)
// (the mean's own derivative cancels: sum_n (x_nf - mean_f) = 0). Its Jacobian depends on the
// input, so it has no double backward: a gradient penalty refuses it (gan/settings.cpp).
// Checked against PyTorch: tests/test_d_remedies_reference.cpp (tests/reference/make_d_remedies.py).
#include <cassert>
#include <cmath>

#include "nn/layers.h"
#include "nn/layers/layer.h"

namespace ganvas {

// [SECTION] Math

namespace {
constexpr double kStddevEps = 1e-8;
}  // namespace

void minibatch_stddev_forward(MatrixView out, float* mean, float* stddev, ConstMatrixView in) {
    const int n = int(in.rows()), f = int(in.cols());
    assert(out.rows() == n && out.cols() == f + 1 && "minibatch_stddev_forward: out is (N, F + 1)");
    double average = 0;
    for (int c = 0; c < f; ++c) {
        double m = 0;
        for (int r = 0; r < n; ++r) m += in(r, c);
        m /= n;
        double var = 0;
        for (int r = 0; r < n; ++r) var += (in(r, c) - m) * (in(r, c) - m);
        const double sd = std::sqrt(var / n + kStddevEps);
        mean[c] = float(m);
        stddev[c] = float(sd);
        average += sd;
    }
    const float s = float(average / f);
    for (int r = 0; r < n; ++r) {
        const float* x = in.data() + size_t(r) * f;
        float* y = out.data() + size_t(r) * (f + 1);
        for (int c = 0; c < f; ++c) y[c] = x[c];
        y[f] = s;
    }
}

void minibatch_stddev_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView in, const float* mean,
                               const float* stddev) {
    const int n = int(in.rows()), f = int(in.cols());
    double ds = 0;
    for (int r = 0; r < n; ++r) ds += d_out(r, f);
    for (int c = 0; c < f; ++c) {
        const float k = float(ds / (double(n) * f * stddev[c]));
        for (int r = 0; r < n; ++r) d_in(r, c) = d_out(r, c) + k * (in(r, c) - mean[c]);
    }
}

// [SECTION] Record

namespace {

SampleShape mbstd_output_shape(const LayerSpec&, SampleShape in) {
    assert(in.is_features() && "MinibatchStddev: the input must be features per sample");
    return SampleShape::features(in.c + 1);
}

size_t mbstd_cache_floats(const LayerSpec& s, int) { return 2 * layer_cache_round(size_t(s.in.c)); }

void mbstd_forward(const LayerForwardArgs& a) {
    const int f = a.spec->in.c;
    minibatch_stddev_forward(MatrixView(a.out, a.batch, f + 1), a.cache, a.cache + layer_cache_round(size_t(f)),
                             ConstMatrixView(a.in, a.batch, f));
}

void mbstd_backward(const LayerBackwardArgs& a) {
    if (!a.d_in) return;
    const int f = a.spec->in.c;
    MatrixView d_in(a.d_in, a.batch, f);
    minibatch_stddev_backward(d_in, ConstMatrixView(a.d_out, a.batch, f + 1), ConstMatrixView(a.in, a.batch, f), a.cache,
                              a.cache + layer_cache_round(size_t(f)));
}

}  // namespace

const LayerRecord minibatch_stddev_record = {
    "MinibatchStddev",
    mbstd_output_shape,
    nullptr,  // no tensors
    mbstd_cache_floats,
    nullptr,  // nothing to initialise
    mbstd_forward,
    mbstd_backward,
    nullptr,  // no products
    nullptr,
    nullptr,
    nullptr,
    nullptr,  // no double backward: its Jacobian depends on the input
    nullptr,  // no workspace
};

LayerSpec LayerSpec::minibatch_stddev() {
    LayerSpec s;
    s.kind = &minibatch_stddev_record;
    return s;
}

}  // namespace ganvas
