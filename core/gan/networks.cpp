// networks.cpp - the seed's generator and discriminator as layer lists, and their cost.
#include "gan/networks.h"

#include "base/rng.h"
#include "gan/streams.h"
#include "nn/layers.h"

namespace ganvas {

// [SECTION] Networks

std::vector<LayerSpec> generator_layers(const GanConfig& c) {
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
