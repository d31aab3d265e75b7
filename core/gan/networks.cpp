// networks.cpp - the seed's generator and discriminator as layer lists, and their cost.
#include "gan/networks.h"

#include "base/rng.h"
#include "gan/streams.h"
#include "nn/layers.h"

namespace ganvas {

// [SECTION] Architectures

std::vector<std::string> gan_arch_names() { return {"mlp", "dcgan"}; }

namespace {

constexpr int kImageSide = 28;
constexpr int kDcganMaxChannels = 256;

bool is_dcgan(const GanConfig& c) { return c.arch == "dcgan"; }

Status dcgan_widths(const std::vector<int>& widths, const char* key) {
    if (widths.empty() || widths.size() > 2)
        return Status::failure(std::string("'") + key + "': arch dcgan takes 1 or 2 channel counts (maps of 7x7 and 14x14), not " +
                               std::to_string(widths.size()));
    for (int w : widths)
        if (w < 1 || w > kDcganMaxChannels)
            return Status::failure(std::string("'") + key + "': arch dcgan takes 1.." + std::to_string(kDcganMaxChannels) +
                                   " channels per layer, not " + std::to_string(w));
    return Status::success();
}

// dcgan's G: from (c1, side, side) maps up by 2 per transposed convolution to 28x28.
std::vector<LayerSpec> dcgan_generator(const GanConfig& c) {
    const std::vector<int>& ch = c.g_hidden;
    const int side = kImageSide >> int(ch.size());
    const int first = ch[0] * side * side;
    std::vector<LayerSpec> layers;
    layers.push_back(LayerSpec::linear(c.latent_dim, first));
    if (c.g_batchnorm) layers.push_back(LayerSpec::batchnorm(first));
    layers.push_back(LayerSpec::relu());
    layers.push_back(LayerSpec::unflatten({ch[0], side, side}));
    for (size_t i = 0; i < ch.size(); ++i) {
        const bool last = i + 1 == ch.size();
        const int out = last ? 1 : ch[i + 1];
        layers.push_back(LayerSpec::conv_transpose2d(ch[i], out, 4, 2, 1));
        if (last) break;
        if (c.g_batchnorm) layers.push_back(LayerSpec::batchnorm2d(out));
        layers.push_back(LayerSpec::relu());
    }
    layers.push_back(LayerSpec::tanh());
    return layers;
}

// dcgan's D: 28x28 down by 2 per strided convolution, then one Linear to the logit.
std::vector<LayerSpec> dcgan_discriminator(const GanConfig& c) {
    std::vector<LayerSpec> layers;
    layers.push_back(LayerSpec::unflatten({1, kImageSide, kImageSide}));
    int channels = 1, side = kImageSide;
    for (int w : c.d_hidden) {
        layers.push_back(LayerSpec::conv2d(channels, w, 4, 2, 1));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        channels = w;
        side /= 2;
    }
    layers.push_back(LayerSpec::flatten());
    int width = channels * side * side;
    if (c.minibatch_stddev) {
        layers.push_back(LayerSpec::minibatch_stddev());
        width += 1;
    }
    layers.push_back(LayerSpec::linear(width, 1));
    return layers;
}

}  // namespace

Status gan_arch_validate(const GanConfig& c) {
    if (!is_dcgan(c)) return Status::success();
    if (c.image_pixels != kImageSide * kImageSide)
        return Status::failure("'image_pixels': arch dcgan is sized for 28x28 images");
    if (Status ok = dcgan_widths(c.g_hidden, "g_hidden"); !ok) return ok;
    if (Status ok = dcgan_widths(c.d_hidden, "d_hidden"); !ok) return ok;
    if (c.spectral_norm)
        return Status::failure("'spectral_norm': normalises Linear layers; arch dcgan's D is convolutional (use r1_gamma "
                               "or wgan-gp to hold D back)");
    return Status::success();
}

// [SECTION] Networks

std::vector<LayerSpec> generator_layers(const GanConfig& c) {
    if (is_dcgan(c)) return dcgan_generator(c);
    // Linear(latent, h0), LeakyReLU, then per further width: Linear, BatchNorm1d, LeakyReLU;
    // finally Linear(h_last, 784), Tanh. For the seed: indices 0..9 as in SEED.md. g_batchnorm
    // false drops the BatchNorm1d layers (the indices close up, as in an nn.Sequential without them).
    std::vector<LayerSpec> layers;
    int width = c.latent_dim;
    for (size_t i = 0; i < c.g_hidden.size(); ++i) {
        layers.push_back(LayerSpec::linear(width, c.g_hidden[i]));
        if (i > 0 && c.g_batchnorm) layers.push_back(LayerSpec::batchnorm(c.g_hidden[i]));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = c.g_hidden[i];
    }
    layers.push_back(LayerSpec::linear(width, c.image_pixels));
    layers.push_back(LayerSpec::tanh());
    return layers;
}

std::vector<LayerSpec> discriminator_layers(const GanConfig& c) {
    // Per width: Linear, LeakyReLU; then Linear(h_last, 1): a logit. The seed's Sigmoid (index 5,
    // no tensors, so the state_dict names are the same) is folded into the objective
    // (gan/objective.h), which is computed stably on logits. Seed: indices 0..4.
    // spectral_norm: every Linear is a SpectralLinear (tensors weight_orig, bias, weight_u,
    // weight_v, as PyTorch's spectral_norm names them). minibatch_stddev: a MinibatchStddev layer
    // just before the last Linear, which takes h_last + 1 inputs: the statistic is computed on
    // D's most abstract features, and reaching the logit directly lets D judge a batch's variety
    // without it being washed out by further layers (ProGAN puts it before its last block, for
    // the same reason). It has no tensors but takes an index: the last Linear is model.<2H+1>.
    if (is_dcgan(c)) return dcgan_discriminator(c);
    const auto linear = [&c](int in, int out) {
        return c.spectral_norm ? LayerSpec::spectral_linear(in, out) : LayerSpec::linear(in, out);
    };
    std::vector<LayerSpec> layers;
    int width = c.image_pixels;
    for (int h : c.d_hidden) {
        layers.push_back(linear(width, h));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = h;
    }
    if (c.minibatch_stddev) {
        layers.push_back(LayerSpec::minibatch_stddev());
        width += 1;
    }
    layers.push_back(linear(width, 1));
    return layers;
}

void discriminator_init_spectral(Sequential& d, uint64_t seed) {
    Rng rng(seed, streams::kSpectral);
    for (const Layer& layer : d.layers) {
        if (layer.spec.kind != LayerKind::SpectralLinear) continue;
        const int out = layer.spec.out.c, in = layer.spec.in.c;
        float* u = d.buffers.data() + layer.buffer_offset;
        spectral_linear_init_vectors(u, u + out, out, in, rng);
    }
}

// [SECTION] Cost

double gan_step_flops(const GanConfig& config) {
    // Per network, from the layer records: the multiply-adds of one forward, of the weight
    // gradients, and of the input gradients (all, or stopping before the first layer).
    const int b = config.batch_size;
    const SequentialFlops g = sequential_flops(generator_layers(config), b);
    const SequentialFlops d = sequential_flops(discriminator_layers(config), b);
    const double macs = 2 * g.forward                                // G forward in both steps
                        + 3 * d.forward                              // D forward: real, fake, and in the G step
                        + 2 * d.weight_grad + 2 * d.input_grad_inner // D step: weight and inner input grads, twice
                        + d.input_grad                               // G step: D's input gradients down to the image
                        + g.weight_grad + g.input_grad_inner;        // G step: G's weight and inner input gradients
    return 2.0 * macs;
}

}  // namespace ganvas
