// digit_exports.cpp - the grid's z and samples, the selected digit and its share link, and
// generator files in the page (web/ganvas_links.js and web/ganvas_api.js wrap them as
// window.ganvas.{gridZ,samplesRaw,selectSample,digit,setDigitSlerp,setDigitRaw,openLink,gridLink,
// loadGenerator}). Each is a session command (shell/session.h) applied through the app's driver;
// links are parsed by core/io/link.h, which refuses bad text with a Status. Returned pointers
// stay valid until the next call of the same export.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/link.h"
#include "web_exports.h"


namespace {

// The BatchNorm batch an edited digit is drawn in: the selected digit's (from its link), or the
// grid's batch (the model's seed, 64 rows) at row 0 when the digit has no link.
ganvas::LinkBatchNorm current_batch_norm(const ganvas::App& app) {
    ganvas::ShareLink link;
    const std::string fragment = app.status().digit.link;
    if (!fragment.empty() && ganvas::link_parse(fragment, &link)) return link.bn;
    ganvas::LinkBatchNorm bn;
    bn.mode = ganvas::LinkBatchNorm::Mode::Batch;
    bn.seed = app.session().model_seed();
    bn.count = ganvas::kGridCount;
    bn.row = 0;
    return bn;
}

// bn_row < 0: the current batch (current_batch_norm); bn_row == -2 (with bn_count 0): eval mode;
// else batch:<bn_seed>:<bn_count>:<bn_row>.
ganvas::LinkBatchNorm batch_norm_from(const ganvas::App& app, double bn_seed, int bn_count, int bn_row) {
    if (bn_row == -1) return current_batch_norm(app);
    ganvas::LinkBatchNorm bn;
    if (bn_row == -2) {
        bn.mode = ganvas::LinkBatchNorm::Mode::Eval;
        return bn;
    }
    bn.mode = ganvas::LinkBatchNorm::Mode::Batch;
    bn.seed = uint64_t(bn_seed);
    bn.count = bn_count;
    bn.row = bn_row;
    return bn;
}

ganvas::Status set_digit(ganvas::LinkZ z, double bn_seed, int bn_count, int bn_row) {
    ganvas::App* app = web_app();
    if (!app) return ganvas::Status::failure("The app is not running.");
    return app->run(ganvas::command::SetDigit{std::move(z), batch_norm_from(*app, bn_seed, bn_count, bn_row)});
}

}  // namespace

extern "C" {

// The grid's z (64 x latent float32, row-major: z of (the model's seed, 0..63), gan/streams.h)
// and G of them now (64 x 784, BatchNorm on batch statistics, running ones untouched: what the
// Samples window shows). Return the first float and set *count_out to the number of floats
// (0 and nullptr without an app); the floats stay valid until the next call of the same export.
EMSCRIPTEN_KEEPALIVE const float* ganvas_grid_z(int* count_out) {
    static std::vector<float> z;
    z.clear();
    if (ganvas::App* app = web_app()) {
        const ganvas::Matrix& m = app->session().grid_z();
        z.assign(m.data(), m.data() + m.size());
    }
    if (count_out != nullptr) *count_out = int(z.size());
    return z.empty() ? nullptr : z.data();
}

EMSCRIPTEN_KEEPALIVE const float* ganvas_samples_raw(int* count_out) {
    static std::vector<float> pixels;
    pixels.clear();
    if (ganvas::App* app = web_app(); app && app->run(ganvas::command::RefreshSamples{})) {
        const ganvas::Matrix& m = app->session().samples();
        pixels.assign(m.data(), m.data() + m.size());
    }
    if (count_out != nullptr) *count_out = int(pixels.size());
    return pixels.empty() ? nullptr : pixels.data();
}

// [SECTION] The digit and its link (issue 9). Seeds and indices come as doubles: exact up to 2^53.

// Selects grid cell `index` (0..63) as the digit: {"ok":true} or {"ok":false,"error":"..."}.
EMSCRIPTEN_KEEPALIVE const char* ganvas_select_sample(int index) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::SelectSample{index}), &json);
}

// The selected digit's 784 pixels in [-1, 1] (count 0 and nullptr when none is selected).
EMSCRIPTEN_KEEPALIVE const float* ganvas_digit_pixels(int* count_out) {
    static std::vector<float> pixels;
    pixels.clear();
    if (ganvas::App* app = web_app(); app && app->status().digit.selected) pixels = app->session().digit_pixels();
    if (count_out != nullptr) *count_out = int(pixels.size());
    return pixels.empty() ? nullptr : pixels.data();
}

// The digit as the interpolation between z of (seed1, index1) and (seed2, index2) at t, drawn
// in the batch bn (batch_norm_from: bn_row -1 keeps the selected digit's batch).
EMSCRIPTEN_KEEPALIVE const char* ganvas_set_digit_slerp(double seed1, double index1, double seed2, double index2,
                                                        float t, double bn_seed, int bn_count, int bn_row) {
    static std::string json;
    ganvas::LinkZ z;
    z.kind = ganvas::LinkZ::Kind::Slerp;
    z.seed = uint64_t(seed1);
    z.index = uint64_t(index1);
    z.seed2 = uint64_t(seed2);
    z.index2 = uint64_t(index2);
    z.t = t;
    return outcome_json(set_digit(std::move(z), bn_seed, bn_count, bn_row), &json);
}

// The digit as z = the `count` floats at `values` (latent_dim of them), drawn in the batch bn.
EMSCRIPTEN_KEEPALIVE const char* ganvas_set_digit_raw(const float* values, int count, double bn_seed, int bn_count,
                                                      int bn_row) {
    static std::string json;
    ganvas::LinkZ z;
    z.kind = ganvas::LinkZ::Kind::Raw;
    if (values != nullptr && count > 0) z.raw.assign(values, values + count);
    return outcome_json(set_digit(std::move(z), bn_seed, bn_count, bn_row), &json);
}

// Opens a link (a URL or its fragment): {"ok":true} once applied - status().digit.link_state then
// says "shown", "rebuilding" (poll status().rebuild) or "mismatch" - or {"ok":false,"error":"..."}
// when it is refused (the model is then unchanged).
EMSCRIPTEN_KEEPALIVE const char* ganvas_open_link(const char* text) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::OpenLink{text != nullptr ? text : ""}), &json);
}

// The link (fragment) to the whole grid, or "" when the model cannot be shared.
EMSCRIPTEN_KEEPALIVE const char* ganvas_grid_link() {
    static std::string link;
    link.clear();
    if (ganvas::App* app = web_app()) link = app->session().grid_link();
    return link.c_str();
}

// Loads a generator file (or the generator of a checkpoint) as an explore-only model.
EMSCRIPTEN_KEEPALIVE const char* ganvas_load_generator(const uint8_t* bytes, size_t size) {
    static std::string json;
    std::vector<uint8_t> copy;
    if (bytes != nullptr) copy.assign(bytes, bytes + size);
    return outcome_json(run_on_app(ganvas::command::LoadGenerator{std::move(copy)}), &json);
}

}  // extern "C"
