// networks.cpp - the seed's generator and discriminator as layer lists, and their cost.
#include "gan/networks.h"

namespace ganvas {

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
    // Per width: Linear, LeakyReLU; then Linear(h_last, 1): a logit. The seed's Sigmoid (index 5,
    // no tensors, so the state_dict names are the same) is folded into the objective
    // (gan/objective.h), which is computed stably on logits. Seed: indices 0..4.
    std::vector<LayerSpec> layers;
    int width = c.image_pixels;
    for (int h : c.d_hidden) {
        layers.push_back(LayerSpec::linear(width, h));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = h;
    }
    layers.push_back(LayerSpec::linear(width, 1));
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

}  // namespace ganvas
