// link_digit.cpp - what a share link's fields mean in numbers (io/link.h): the digit's z, its
// batch, its pixels, the bit-identical spherical interpolation, and the two hashes a link checks.
// The text format itself (writer and strict parser) is link.cpp.
#include <cassert>
#include <cmath>
#include <cstring>

#include "base/hash.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "io/link.h"

namespace ganvas {

namespace {

// [SECTION] Trigonometry from + - * / and sqrt only
//
// The platform's libm differs between glibc and Emscripten's musl in the last bit, so
// latent_slerp computes its angles with series whose every operation is correctly rounded
// IEEE double arithmetic (core is built with -ffp-contract=off: no fused multiply-adds).

constexpr double kPi = 3.14159265358979323846;

// sin(x) for x in [0, pi]: folded to [0, pi/2], then the Taylor series to x^29 (the first
// omitted term is below 2e-25 there).
double series_sin(double x) {
    if (x > kPi / 2) x = kPi - x;
    const double x2 = x * x;
    double term = x, sum = x;
    for (int k = 1; k <= 14; ++k) {
        term = -term * x2 / double((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

// atan(x) for x >= 0: four half-angle steps atan(x) = 2 atan(x / (1 + sqrt(1 + x^2))) bring
// any x below tan(pi/32) ~ 0.1, where the series to x^41 is exact to double precision.
double series_atan(double x) {
    double scale = 1;
    for (int i = 0; i < 4; ++i) {
        x = x / (1 + std::sqrt(1 + x * x));
        scale *= 2;
    }
    const double x2 = x * x;
    double power = x, sum = x;
    for (int k = 1; k <= 20; ++k) {
        power = -power * x2;
        sum += power / double(2 * k + 1);
    }
    return scale * sum;
}

// acos(c) for c in (-1, 1]: 2 atan(sqrt((1 - c) / (1 + c))).
double series_acos(double c) { return 2 * series_atan(std::sqrt((1 - c) / (1 + c))); }

}  // namespace

// [SECTION] Interpolation

void latent_slerp(const float* a, const float* b, int n, float t, float* out) {
    double dot = 0, aa = 0, bb = 0;  // in index order: the same sums everywhere
    for (int i = 0; i < n; ++i) {
        dot += double(a[i]) * double(b[i]);
        aa += double(a[i]) * double(a[i]);
        bb += double(b[i]) * double(b[i]);
    }
    const double td = double(t);
    double wa = 1 - td, wb = td;  // linear interpolation unless the angle is well defined
    if (aa > 0 && bb > 0) {
        const double c = dot / (std::sqrt(aa) * std::sqrt(bb));
        if (c < 1 - 1e-7 && c > -(1 - 1e-7)) {
            const double omega = series_acos(c), s = series_sin(omega);
            wa = series_sin((1 - td) * omega) / s;
            wb = series_sin(td * omega) / s;
        }
    }
    for (int i = 0; i < n; ++i) out[i] = float(wa * double(a[i]) + wb * double(b[i]));
}

// [SECTION] The digit

void link_z_values(const LinkZ& z, int latent_dim, float* out) {
    switch (z.kind) {
        case LinkZ::Kind::Seeded: sample_z(z.seed, z.index, latent_dim, out); return;
        case LinkZ::Kind::Slerp: {
            std::vector<float> a(static_cast<size_t>(latent_dim)), b(a.size());
            sample_z(z.seed, z.index, latent_dim, a.data());
            sample_z(z.seed2, z.index2, latent_dim, b.data());
            latent_slerp(a.data(), b.data(), latent_dim, z.t, out);
            return;
        }
        case LinkZ::Kind::Raw:
            assert(z.raw.size() == size_t(latent_dim) && "link_z_values: raw z of latent_dim values");
            std::memcpy(out, z.raw.data(), size_t(latent_dim) * sizeof(float));
            return;
    }
}

Matrix link_generator_input(const ShareLink& link) {
    const int latent = link.recipe.config.latent_dim;
    if (link.grid) {
        Matrix z(link.grid_count, latent);
        sample_z_rows(link.grid_seed, 0, view_of(z));
        return z;
    }
    if (link.bn.mode == LinkBatchNorm::Mode::Eval) {
        Matrix z(1, latent);
        link_z_values(link.z, latent, z.data());
        return z;
    }
    Matrix z(link.bn.count, latent);
    sample_z_rows(link.bn.seed, 0, view_of(z));
    link_z_values(link.z, latent, z.row(link.bn.row).data());
    return z;
}

int link_digit_row(const ShareLink& link) {
    if (link.grid) return -1;
    return link.bn.mode == LinkBatchNorm::Mode::Batch ? link.bn.row : 0;
}

void link_render_digit(const ShareLink& link, const Sequential& generator, SequentialCache& cache, float* pixels) {
    assert(!link.grid && "link_render_digit: a grid link has no single digit (draw link_generator_input)");
    const Matrix z = link_generator_input(link);
    Matrix images(z.rows(), generator.features_out());
    sample_images(generator, cache, const_view_of(z), view_of(images),
                  link.bn.mode == LinkBatchNorm::Mode::Batch ? BatchNormMode::TrainNoUpdate : BatchNormMode::Eval);
    std::memcpy(pixels, images.row(link_digit_row(link)).data(), size_t(images.cols()) * sizeof(float));
}

// [SECTION] Hashes

uint64_t generator_weight_hash(const Sequential& generator) {
    Hasher h;
    for (const TensorInfo& t : generator.tensors) {
        switch (t.store) {
            case TensorStore::Params: h.add(generator.params.data() + t.offset, t.size * sizeof(float)); break;
            case TensorStore::Buffers: h.add(generator.buffers.data() + t.offset, t.size * sizeof(float)); break;
            case TensorStore::Counter: h.add(generator.counters.data() + t.offset, t.size * sizeof(int64_t)); break;
        }
    }
    return h.digest();  // little-endian hosts only (every supported target): the bytes are LE
}

uint64_t dataset_content_hash(const Dataset& data) {
    const uint32_t dims[3] = {uint32_t(data.count), uint32_t(data.rows), uint32_t(data.cols)};
    uint8_t header[12];
    for (int i = 0; i < 3; ++i)
        for (int b = 0; b < 4; ++b) header[4 * i + b] = uint8_t(dims[i] >> (8 * b));
    Hasher h;
    h.add(header, sizeof header);
    h.add(data.pixels.data(), data.pixels.size());
    return h.digest();
}

}  // namespace ganvas
