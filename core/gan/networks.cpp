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
