// gan.cpp - presets, the seed's networks and the training step. See gan.h.
#include "gan.h"

#include <cassert>
#include <chrono>
#include <cmath>
#include <locale>
#include <sstream>

#include "json_lite.h"
#include "loss.h"

namespace ganvas {

// [SECTION] Config

bool gan_config_preset(const std::string& name, GanConfig* out) {
    if (name == "seed") {
        *out = GanConfig{};  // the defaults are the seed's program
        return true;
    }
    return false;
}

std::vector<std::string> gan_config_preset_names() { return {"seed"}; }

static bool adam_ok(const AdamConfig& a) {
    return std::isfinite(a.lr) && a.lr > 0.0f && a.lr <= 1.0f && a.beta1 >= 0.0f && a.beta1 < 1.0f &&
           a.beta2 >= 0.0f && a.beta2 < 1.0f && std::isfinite(a.eps) && a.eps > 0.0f;
}

Status gan_config_validate(const GanConfig& c) {
    if (c.latent_dim < 1 || c.latent_dim > 1024) return Status::failure("latent size must be 1..1024");
    if (c.image_pixels != 784) return Status::failure("images must be 28x28 (784 pixels)");
    if (c.g_hidden.empty() || c.g_hidden.size() > 8 || c.d_hidden.empty() || c.d_hidden.size() > 8)
        return Status::failure("each network needs 1..8 hidden layers");
    for (int w : c.g_hidden)
        if (w < 1 || w > 4096) return Status::failure("hidden widths must be 1..4096");
    for (int w : c.d_hidden)
        if (w < 1 || w > 4096) return Status::failure("hidden widths must be 1..4096");
    if (c.batch_size < 2 || c.batch_size > 1024)
        return Status::failure("batch size must be 2..1024 (BatchNorm needs at least 2 samples)");
    if (!(c.leaky_slope >= 0.0f && c.leaky_slope < 1.0f)) return Status::failure("LeakyReLU slope must be in [0, 1)");
    if (!adam_ok(c.adam_g) || !adam_ok(c.adam_d))
        return Status::failure("Adam needs 0 < lr <= 1, betas in [0, 1) and eps > 0");
    return Status::success();
}

static void json_ints(std::ostringstream& os, const std::vector<int>& v) {
    os << "[";
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
    os << "]";
}

static void json_adam(std::ostringstream& os, const AdamConfig& a) {
    os << "{\"lr\":" << a.lr << ",\"beta1\":" << a.beta1 << ",\"beta2\":" << a.beta2 << ",\"eps\":" << a.eps << "}";
}

std::string gan_config_to_json(const GanConfig& c) {
    std::ostringstream os;
    os.imbue(std::locale::classic());  // '.' decimals whatever the process locale
    os.precision(9);
    os << "{\"latent_dim\":" << c.latent_dim << ",\"g_hidden\":";
    json_ints(os, c.g_hidden);
    os << ",\"d_hidden\":";
    json_ints(os, c.d_hidden);
    os << ",\"image_pixels\":" << c.image_pixels << ",\"leaky_slope\":" << c.leaky_slope
       << ",\"batch_size\":" << c.batch_size << ",\"adam_g\":";
    json_adam(os, c.adam_g);
    os << ",\"adam_d\":";
    json_adam(os, c.adam_d);
    os << "}";
    return os.str();
}

namespace {

Status json_int_field(const JsonValue& v, const std::string& key, int* out) {
    int64_t i = 0;
    if (!v.as_int64(&i) || i < -2147483647 || i > 2147483647)
        return Status::failure("config: '" + key + "' must be an integer, not " + (v.type == JsonType::Number ? v.text : v.type_name()));
    *out = int(i);
    return Status::success();
}

Status json_float_field(const JsonValue& v, const std::string& key, float* out) {
    if (v.type != JsonType::Number) return Status::failure("config: '" + key + "' must be a number, not " + v.type_name());
    *out = static_cast<float>(v.number);
    return Status::success();
}

Status json_widths_field(const JsonValue& v, const std::string& key, std::vector<int>* out) {
    if (v.type != JsonType::Array || v.items.size() > 64)
        return Status::failure("config: '" + key + "' must be an array of layer widths");
    std::vector<int> widths;
    for (const JsonValue& item : v.items) {
        int w = 0;
        const Status s = json_int_field(item, key, &w);
        if (!s) return s;
        widths.push_back(w);
    }
    *out = std::move(widths);
    return Status::success();
}

Status json_adam_field(const JsonValue& v, const std::string& key, AdamConfig* out) {
    if (v.type != JsonType::Object) return Status::failure("config: '" + key + "' must be an object {lr, beta1, beta2, eps}");
    AdamConfig a = *out;
    for (const auto& m : v.members) {
        float* field = m.first == "lr" ? &a.lr : m.first == "beta1" ? &a.beta1 : m.first == "beta2" ? &a.beta2
                     : m.first == "eps" ? &a.eps : nullptr;
        if (!field) return Status::failure("config: unknown key '" + key + "." + m.first + "' (known: lr, beta1, beta2, eps)");
        const Status s = json_float_field(m.second, key + "." + m.first, field);
        if (!s) return s;
    }
    *out = a;
    return Status::success();
}

}  // namespace

Status gan_config_from_json(const std::string& json, GanConfig* out) {
    JsonValue root;
    const Status parsed = json_parse(json.data(), json.size(), &root, 8);
    if (!parsed) return Status::failure("config is not valid JSON: " + parsed.message);
    if (root.type != JsonType::Object) return Status::failure("config must be a JSON object");
    GanConfig c;  // the seed's values for absent keys
    for (const auto& m : root.members) {
        const std::string& k = m.first;
        Status s;
        if (k == "latent_dim") s = json_int_field(m.second, k, &c.latent_dim);
        else if (k == "g_hidden") s = json_widths_field(m.second, k, &c.g_hidden);
        else if (k == "d_hidden") s = json_widths_field(m.second, k, &c.d_hidden);
        else if (k == "image_pixels") s = json_int_field(m.second, k, &c.image_pixels);
        else if (k == "leaky_slope") s = json_float_field(m.second, k, &c.leaky_slope);
        else if (k == "batch_size") s = json_int_field(m.second, k, &c.batch_size);
        else if (k == "adam_g") s = json_adam_field(m.second, k, &c.adam_g);
        else if (k == "adam_d") s = json_adam_field(m.second, k, &c.adam_d);
        else
            s = Status::failure("config: unknown key '" + k +
                                "' (known: latent_dim, g_hidden, d_hidden, image_pixels, leaky_slope, batch_size, adam_g, adam_d)");
        if (!s) return s;
    }
    const Status valid = gan_config_validate(c);
    if (!valid) return Status::failure("config: " + valid.message);
    *out = c;
    return Status::success();
}

// [SECTION] Networks

std::vector<LayerSpec> generator_layers(const GanConfig& c) {
    // Linear(latent, h0), LeakyReLU, then per further width: Linear, BatchNorm1d, LeakyReLU;
    // finally Linear(h_last, 784), Tanh. For the seed: indices 0..9 as in SEED.md.
    std::vector<LayerSpec> layers;
    int width = c.latent_dim;
    for (size_t i = 0; i < c.g_hidden.size(); ++i) {
        layers.push_back(LayerSpec::linear(width, c.g_hidden[i]));
        if (i > 0) layers.push_back(LayerSpec::batchnorm(c.g_hidden[i]));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = c.g_hidden[i];
    }
    layers.push_back(LayerSpec::linear(width, c.image_pixels));
    layers.push_back(LayerSpec::tanh());
    return layers;
}

std::vector<LayerSpec> discriminator_layers(const GanConfig& c) {
    // Per width: Linear, LeakyReLU; then Linear(h_last, 1), Sigmoid. Seed: indices 0..5.
    std::vector<LayerSpec> layers;
    int width = c.image_pixels;
    for (int h : c.d_hidden) {
        layers.push_back(LayerSpec::linear(width, h));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = h;
    }
    layers.push_back(LayerSpec::linear(width, 1));
    layers.push_back(LayerSpec::sigmoid());
    return layers;
}

// [SECTION] Cost

double gan_step_flops(const GanConfig& config) {
    // Per network: the multiply-adds of one forward (sum of in*out over Linear layers) and of
    // one input-gradient pass that stops before the first layer.
    auto linear_macs = [](const std::vector<LayerSpec>& layers, bool skip_first) {
        double macs = 0;
        bool first = true;
        for (const LayerSpec& l : layers) {
            if (l.kind != LayerKind::Linear) continue;
            if (!(skip_first && first)) macs += double(l.features_in) * l.features_out;
            first = false;
        }
        return macs;
    };
    const auto g = generator_layers(config), d = discriminator_layers(config);
    const double g_all = linear_macs(g, false), d_all = linear_macs(d, false);
    const double g_inner = linear_macs(g, true), d_inner = linear_macs(d, true);
    const double macs = 2 * g_all                 // G forward in both steps
                        + 3 * d_all               // D forward: real, fake, and in the G step
                        + 2 * d_all + 2 * d_inner // D step: weight and inner input grads, twice
                        + d_all                   // G step: D's input gradients down to the image
                        + g_all + g_inner;        // G step: G's weight and inner input gradients
    return 2.0 * macs * config.batch_size;
}

// [SECTION] Training

namespace {
// Adds the seconds since `mark` to `bucket` and moves `mark` to now.
void lap(std::chrono::steady_clock::time_point& mark, double& bucket) {
    const auto now = std::chrono::steady_clock::now();
    bucket += std::chrono::duration<double>(now - mark).count();
    mark = now;
}
}  // namespace

Gan::Gan(const GanConfig& config, uint64_t seed)
    : config_(config),
      seed_(seed),
      g_(generator_layers(config)),
      d_(discriminator_layers(config)),
      noise_rng_(seed, 1),
      data_rng_(seed, 2) {
    assert(gan_config_validate(config).ok && "Gan: validate the config first (gan_config_validate)");
    Rng init_rng(seed, 3);
    sequential_init_default(g_, init_rng);
    sequential_init_default(d_, init_rng);
    adam_g_.reset(g_.params.size());
    adam_d_.reset(d_.params.size());
}

void Gan::draw_step_inputs(const Dataset& data) {
    const int batch = config_.batch_size;
    assert(data.count >= batch && "Gan::train_step: the dataset is smaller than one batch");
    if (sampler_.dataset_count() != data.count || sampler_.batch_size() != batch)
        sampler_ = BatchSampler(data.count, batch);  // a new dataset or batch size: new epochs
    auto mark = std::chrono::steady_clock::now();
    real_.resize(batch, config_.image_pixels);
    z_d_.resize(batch, config_.latent_dim);
    z_g_.resize(batch, config_.latent_dim);
    sampler_.next(data, data_rng_, view_of(real_));
    noise_rng_.fill_normal(z_d_.data(), size_t(z_d_.size()));
    noise_rng_.fill_normal(z_g_.data(), size_t(z_g_.size()));
    lap(mark, timings_.data);
}

StepStats Gan::train_step(const Dataset& data) {
    StepStats stats;
    if (mid_iteration()) {  // finish the iteration train_part() began
        while (!train_part(data, &stats)) {
        }
        return stats;
    }
    draw_step_inputs(data);
    return train_step_with(const_view_of(real_), const_view_of(z_d_), const_view_of(z_g_));
}

bool Gan::train_part(const Dataset& data, StepStats* completed) {
    switch (part_) {
        case 0:
            draw_step_inputs(data);
            pending_ = StepStats{};
            d_step_real(const_view_of(real_), const_view_of(z_d_), pending_);
            break;
        case 1:
            d_step_fake(pending_);
            break;
        case 2:
            g_step_forward(const_view_of(z_g_), pending_);
            break;
        default:
            g_step_backward();
            part_ = 0;
            step_ += 1;
            timings_.steps += 1;
            pending_.step = step_;
            *completed = pending_;
            return true;
    }
    part_ += 1;
    return false;
}

bool Gan::train_half_step(const Dataset& data, StepStats* completed) {
    do {
        if (train_part(data, completed)) return true;
    } while (part_ != 2);  // the D step is done
    return false;
}

StepStats Gan::train_step_with(ConstMatrixView real, ConstMatrixView z_d, ConstMatrixView z_g) {
    const int batch = int(real.rows());
    assert(batch >= 2 && z_d.rows() == batch && z_g.rows() == batch &&
           "Gan::train_step_with: real, z_d and z_g need the same batch size, at least 2 (BatchNorm)");
    assert(real.cols() == config_.image_pixels && z_d.cols() == config_.latent_dim && z_g.cols() == config_.latent_dim &&
           "Gan::train_step_with: real is (N, 784), z_d and z_g are (N, latent)");
    assert(!mid_iteration() && "Gan::train_step_with: finish the iteration train_part() began first");
    StepStats stats;
    d_step_real(real, z_d, stats);
    d_step_fake(stats);
    g_step_forward(z_g, stats);
    g_step_backward();
    step_ += 1;
    timings_.steps += 1;
    stats.step = step_;
    return stats;
}

// D step: real labelled 1, G(z_d) labelled 0; d_loss = (bce_real + bce_fake) / 2.
// First part: the fakes, then D on the real batch.
void Gan::d_step_real(ConstMatrixView real, ConstMatrixView z_d, StepStats& stats) {
    const int batch = int(real.rows());
    const int logit_layers = int(d_.layers.size()) - 1;  // D's Sigmoid is fused into the loss
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    fake_ = sequential_forward(g_, g_cache_, z_d, BatchNormMode::Train).data();
    part_batch_ = batch;
    lap(mark, t.g_forward);
    d_.zero_grads();
    const ConstMatrixView logits_real = sequential_forward(d_, d_real_cache_, real, BatchNormMode::Train, logit_layers);
    loss_real_ = bce_with_logits(logits_real.data(), batch, 1.0f, d_logit_grad_.data(), 0.5f);
    stats.d_real = mean_sigmoid(logits_real.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_real_cache_, const_view_of(d_logit_grad_), true, false);
    lap(mark, t.d_backward);
}

// Second part: D on the fakes, then Adam on D.
void Gan::d_step_fake(StepStats& stats) {
    const int batch = part_batch_, logit_layers = int(d_.layers.size()) - 1;
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView fake(fake_, batch, config_.image_pixels);
    const ConstMatrixView logits_fake = sequential_forward(d_, d_fake_cache_, fake, BatchNormMode::Train, logit_layers);
    const float loss_fake = bce_with_logits(logits_fake.data(), batch, 0.0f, d_logit_grad_.data(), 0.5f);
    stats.d_fake = mean_sigmoid(logits_fake.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), true, false);
    lap(mark, t.d_backward);
    adam_step(adam_d_, config_.adam_d, d_.params.data(), d_.grads.data(), d_.params.size());
    stats.d_loss = 0.5f * (loss_real_ + loss_fake);
    lap(mark, t.optimizer);
}

// G step: g_loss = bce(D(G(z_g)), 1) against the freshly updated D; only D's input gradient
// is computed, never its weight gradients. First part: forward, and D's input gradient.
void Gan::g_step_forward(ConstMatrixView z_g, StepStats& stats) {
    const int batch = int(z_g.rows());
    const int logit_layers = int(d_.layers.size()) - 1;
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView fake_g = sequential_forward(g_, g_cache_, z_g, BatchNormMode::Train);
    lap(mark, t.g_forward);
    const ConstMatrixView logits_g = sequential_forward(d_, d_fake_cache_, fake_g, BatchNormMode::Train, logit_layers);
    stats.g_loss = bce_with_logits(logits_g.data(), batch, 1.0f, d_logit_grad_.data(), 1.0f);
    lap(mark, t.d_forward);
    d_fake_input_ = sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), false, true).data();
    part_batch_ = batch;
    lap(mark, t.d_backward);
}

// Second part: G backward from D's input gradient, then Adam on G.
void Gan::g_step_backward() {
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView d_fake_input(d_fake_input_, part_batch_, config_.image_pixels);
    g_.zero_grads();
    sequential_backward(g_, g_cache_, d_fake_input, true, false);
    lap(mark, t.g_backward);
    adam_step(adam_g_, config_.adam_g, g_.params.data(), g_.grads.data(), g_.params.size());
    lap(mark, t.optimizer);
}

void Gan::set_trainer_state(const TrainerState& state) {
    noise_rng_.set_state(state.noise);
    data_rng_.set_state(state.data);
    sampler_ = BatchSampler(state.sampler, config_.batch_size);
}

void Gan::generate(ConstMatrixView z, MatrixView images, BatchNormMode mode) {
    assert(z.cols() == config_.latent_dim && images.rows() == z.rows() && images.cols() == config_.image_pixels &&
           "Gan::generate: z is (N, latent) and images (N, 784)");
    images = sequential_forward(g_, g_preview_cache_, z, mode);
}

void Gan::discriminate(ConstMatrixView images, float* probabilities) {
    const ConstMatrixView p = sequential_forward(d_, d_preview_cache_, images, BatchNormMode::Eval);
    for (Eigen::Index i = 0; i < p.rows(); ++i) probabilities[i] = p(i, 0);
}

}  // namespace ganvas
