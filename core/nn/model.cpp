// model.cpp - Sequential: parameter layout, default init, forward and backward.
#include "nn/model.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "nn/layers.h"
#include "base/rng.h"

namespace ganvas {

// [SECTION] Layout

Sequential::Sequential(const std::vector<LayerSpec>& specs) {
    size_t n_params = 0, n_buffers = 0;
    int width = specs.empty() ? 0 : specs.front().features_in;
    for (size_t i = 0; i < specs.size(); ++i) {
        Layer layer;
        layer.spec = specs[i];
        const std::string prefix = "model." + std::to_string(i) + ".";
        switch (specs[i].kind) {
            case LayerKind::Linear: {
                const int in = specs[i].features_in, out = specs[i].features_out;
                assert(in == width && "Sequential: a Linear layer's in_features must match the previous width");
                layer.features_in = in;
                layer.features_out = out;
                layer.weight = n_params;
                layer.bias = n_params + size_t(out) * in;
                tensors.push_back({prefix + "weight", {out, in}, TensorStore::Params, layer.weight, size_t(out) * in});
                tensors.push_back({prefix + "bias", {out}, TensorStore::Params, layer.bias, size_t(out)});
                n_params += size_t(out) * in + out;
                width = out;
                break;
            }
            case LayerKind::BatchNorm1d: {
                const int f = specs[i].features_in;
                assert(f == width && "Sequential: BatchNorm1d num_features must match the previous width");
                layer.features_in = layer.features_out = f;
                layer.weight = n_params;
                layer.bias = n_params + f;
                layer.running_mean = n_buffers;
                layer.running_var = n_buffers + f;
                tensors.push_back({prefix + "weight", {f}, TensorStore::Params, layer.weight, size_t(f)});
                tensors.push_back({prefix + "bias", {f}, TensorStore::Params, layer.bias, size_t(f)});
                tensors.push_back({prefix + "running_mean", {f}, TensorStore::Buffers, layer.running_mean, size_t(f)});
                tensors.push_back({prefix + "running_var", {f}, TensorStore::Buffers, layer.running_var, size_t(f)});
                tensors.push_back({prefix + "num_batches_tracked", {}, TensorStore::Counter, i, 1});
                n_params += 2 * size_t(f);
                n_buffers += 2 * size_t(f);
                break;
            }
            default:  // element-wise: width unchanged, no tensors
                layer.features_in = layer.features_out = width;
                break;
        }
        layers.push_back(layer);
    }
    params.assign(n_params, 0.0f);
    grads.assign(n_params, 0.0f);
    buffers.assign(n_buffers, 0.0f);
}

void Sequential::zero_grads() { std::fill(grads.begin(), grads.end(), 0.0f); }

void SequentialCache::prepare(const Sequential& net, int batch_size) {
    const size_t n = net.layers.size();
    if (outputs.size() != n) {
        outputs.assign(n, Matrix());
        x_hat.assign(n, Matrix());
        inv_std.assign(n, Eigen::RowVectorXf());
        batch_mean.assign(n, Eigen::RowVectorXf());
        batch_var.assign(n, Eigen::RowVectorXf());
    }
    int widest = net.features_in();
    for (size_t i = 0; i < n; ++i) {
        const Layer& layer = net.layers[i];
        widest = std::max(widest, layer.features_out);
        outputs[i].resize(batch_size, layer.features_out);  // no-op when the size is unchanged
        if (layer.spec.kind == LayerKind::BatchNorm1d) {
            x_hat[i].resize(batch_size, layer.features_out);
            inv_std[i].resize(layer.features_out);
            batch_mean[i].resize(layer.features_out);
            batch_var[i].resize(layer.features_out);
        }
    }
    grad_a.resize(batch_size, widest);
    grad_b.resize(batch_size, widest);
    batch = batch_size;
}

// [SECTION] Initialisation

void sequential_init_default(Sequential& net, Rng& rng) {
    for (const Layer& layer : net.layers) {
        if (layer.spec.kind == LayerKind::Linear) {
            const float bound = 1.0f / std::sqrt(static_cast<float>(layer.features_in));
            rng.fill_uniform(&net.params[layer.weight], size_t(layer.features_out) * layer.features_in, -bound, bound);
            rng.fill_uniform(&net.params[layer.bias], size_t(layer.features_out), -bound, bound);
        } else if (layer.spec.kind == LayerKind::BatchNorm1d) {
            const int f = layer.features_out;
            std::fill_n(&net.params[layer.weight], f, 1.0f);
            std::fill_n(&net.params[layer.bias], f, 0.0f);
            std::fill_n(&net.buffers[layer.running_mean], f, 0.0f);
            std::fill_n(&net.buffers[layer.running_var], f, 1.0f);
        }
    }
    for (Layer& layer : net.layers) layer.num_batches_tracked = 0;
}

// [SECTION] Forward

ConstMatrixView sequential_forward(Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                   BatchNormMode mode, int layer_count) {
    const int count = layer_count < 0 ? int(net.layers.size()) : layer_count;
    assert(x.cols() == net.features_in() && "sequential_forward: input width differs from the network's");
    cache.prepare(net, int(x.rows()));
    cache.input = x.data();
    cache.layers_run = count;
    // Eigen::Map's operator= copies values, it does not rebind: track the input by pointer.
    const float* in_data = x.data();
    for (int i = 0; i < count; ++i) {
        Layer& layer = net.layers[i];
        const ConstMatrixView in(in_data, x.rows(), layer.features_in);
        MatrixView out = view_of(cache.outputs[i]);
        const float* produced = out.data();  // what the next layer reads
        switch (layer.spec.kind) {
            case LayerKind::Linear:
                if (i + 1 < count && net.layers[i + 1].spec.kind == LayerKind::LeakyReLU) {
                    // Fused: bias and activation in one pass; both outputs are kept for backward.
                    MatrixView activated = view_of(cache.outputs[i + 1]);
                    linear_leaky_relu_forward(out, activated, in, &net.params[layer.weight], &net.params[layer.bias],
                                              net.layers[i + 1].spec.negative_slope);
                    produced = activated.data();
                    i += 1;
                } else {
                    linear_forward(out, in, &net.params[layer.weight], &net.params[layer.bias]);
                }
                break;
            case LayerKind::LeakyReLU: leaky_relu_forward(out, in, layer.spec.negative_slope); break;
            case LayerKind::Tanh: tanh_forward(out, in); break;
            case LayerKind::Sigmoid: sigmoid_forward(out, in); break;
            case LayerKind::BatchNorm1d:
                if (mode == BatchNormMode::Eval) {
                    batchnorm_forward_eval(out, in, &net.params[layer.weight], &net.params[layer.bias],
                                           &net.buffers[layer.running_mean], &net.buffers[layer.running_var],
                                           layer.spec.eps);
                } else {
                    batchnorm_forward_train(out, view_of(cache.x_hat[i]), cache.inv_std[i].data(),
                                            cache.batch_mean[i].data(), cache.batch_var[i].data(), in,
                                            &net.params[layer.weight], &net.params[layer.bias], layer.spec.eps);
                    if (mode == BatchNormMode::Train) {
                        batchnorm_update_running(&net.buffers[layer.running_mean], &net.buffers[layer.running_var],
                                                 cache.batch_mean[i].data(), cache.batch_var[i].data(),
                                                 layer.features_out, cache.batch, layer.spec.momentum);
                        layer.num_batches_tracked += 1;
                    }
                }
                break;
        }
        in_data = produced;
    }
    const int width_out = count > 0 ? net.layers[count - 1].features_out : net.features_in();
    return ConstMatrixView(in_data, x.rows(), width_out);
}

// [SECTION] Backward

ConstMatrixView sequential_backward(Sequential& net, SequentialCache& cache, ConstMatrixView d_output,
                                    bool want_param_grads, bool want_input_grad) {
    const int n = cache.batch;
    assert(d_output.rows() == n && "sequential_backward: d_output batch differs from the forward's");
    const float* d_out_data = d_output.data();  // by pointer: Map's operator= copies values
    Matrix* next_buffer = &cache.grad_a;
    for (int i = cache.layers_run - 1; i >= 0; --i) {
        const Layer& layer = net.layers[i];
        const ConstMatrixView d_out(d_out_data, n, layer.features_out);
        const bool first = (i == 0);
        const ConstMatrixView in = first ? ConstMatrixView(cache.input, n, layer.features_in)
                                         : const_view_of(cache.outputs[i - 1]);
        const ConstMatrixView out = const_view_of(cache.outputs[i]);
        MatrixView d_in(next_buffer->data(), n, layer.features_in);
        const bool need_d_in = !first || want_input_grad;
        float* d_weight = want_param_grads ? &net.grads[layer.weight] : nullptr;
        float* d_bias = want_param_grads ? &net.grads[layer.bias] : nullptr;
        switch (layer.spec.kind) {
            case LayerKind::Linear:
                linear_backward(need_d_in ? &d_in : nullptr, d_weight, d_bias, d_out, in, &net.params[layer.weight]);
                break;
            case LayerKind::LeakyReLU: leaky_relu_backward(d_in, d_out, in, layer.spec.negative_slope); break;
            case LayerKind::Tanh: tanh_backward(d_in, d_out, out); break;
            case LayerKind::Sigmoid: sigmoid_backward(d_in, d_out, out); break;
            case LayerKind::BatchNorm1d:
                assert(cache.x_hat[i].rows() == n && "sequential_backward: BatchNorm backward needs a training-mode forward");
                batchnorm_backward(d_in, d_weight, d_bias, d_out, const_view_of(cache.x_hat[i]),
                                   cache.inv_std[i].data(), &net.params[layer.weight]);
                break;
        }
        d_out_data = d_in.data();
        next_buffer = (next_buffer == &cache.grad_a) ? &cache.grad_b : &cache.grad_a;
    }
    if (!want_input_grad) return ConstMatrixView(nullptr, 0, 0);
    return ConstMatrixView(d_out_data, n, net.features_in());
}

}  // namespace ganvas
