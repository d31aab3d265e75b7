// model.h - a sequential network whose parameters live in one flat buffer.
//
// A Sequential is the PyTorch `nn.Sequential` of the seed: a list of layers indexed like
// PyTorch's, so layer i's tensors are named `model.<i>.weight` etc. in checkpoints.
//
// Memory (llm.c style): every trainable tensor is a view into `params`, with its gradient
// at the same offset in `grads`; BatchNorm running statistics are views into `buffers`.
// The optimiser, checkpoints and hashing are therefore each one loop over a flat array.
//
// Activations saved for backward live in a SequentialCache owned by the CALLER, one per
// forward pass that must survive until its backward: the trainer keeps separate caches
// for "D on a real batch" and "D on a fake batch" so neither overwrites the other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor.h"

namespace ganvas {

enum class LayerKind { Linear, LeakyReLU, BatchNorm1d, Tanh, Sigmoid };

struct LayerSpec {
    LayerKind kind = LayerKind::Linear;
    int features_in = 0;   // Linear: in_features; BatchNorm1d: num_features
    int features_out = 0;  // Linear: out_features
    float negative_slope = 0.2f;  // LeakyReLU
    float eps = 1e-5f;            // BatchNorm1d
    float momentum = 0.1f;        // BatchNorm1d

    static LayerSpec linear(int in, int out) { return {LayerKind::Linear, in, out}; }
    static LayerSpec leaky_relu(float slope) {
        LayerSpec s{LayerKind::LeakyReLU};
        s.negative_slope = slope;
        return s;
    }
    static LayerSpec batchnorm(int features) { return {LayerKind::BatchNorm1d, features, features}; }
    static LayerSpec tanh() { return {LayerKind::Tanh}; }
    static LayerSpec sigmoid() { return {LayerKind::Sigmoid}; }
};

struct Layer {
    LayerSpec spec;
    int features_in = 0, features_out = 0;  // resolved for every kind
    size_t weight = 0, bias = 0;            // offsets into params/grads (Linear, BatchNorm1d)
    size_t running_mean = 0, running_var = 0;  // offsets into buffers (BatchNorm1d)
    int64_t num_batches_tracked = 0;           // BatchNorm1d
};

// Where a named tensor lives, for checkpoints.
enum class TensorStore { Params, Buffers, Counter };
struct TensorInfo {
    std::string name;            // PyTorch state_dict name, e.g. "model.3.running_mean"
    std::vector<int64_t> shape;  // PyTorch shape, e.g. {256, 128} for a Linear(128, 256) weight
    TensorStore store = TensorStore::Params;
    size_t offset = 0;  // into params or buffers; the layer index for Counter
    size_t size = 0;    // element count
};

// How BatchNorm layers normalise.
enum class BatchNormMode {
    Train,          // batch statistics, and update the running statistics (PyTorch train())
    TrainNoUpdate,  // batch statistics, running statistics untouched (for previews)
    Eval,           // running statistics (PyTorch eval())
};

struct Sequential {
    std::vector<Layer> layers;
    std::vector<float> params;   // all trainable values
    std::vector<float> grads;    // same layout as params
    std::vector<float> buffers;  // BatchNorm running statistics
    std::vector<TensorInfo> tensors;

    explicit Sequential(const std::vector<LayerSpec>& specs = {});
    int features_in() const { return layers.front().features_in; }
    int features_out() const { return layers.back().features_out; }
    void zero_grads();
};

// Per-call activations, sized for one batch size; prepare() reallocates only when the
// batch size changes, so steady-state training never allocates.
struct SequentialCache {
    std::vector<Matrix> outputs;  // outputs[i]: output of layer i, (N, features_out)
    std::vector<Matrix> x_hat;    // BatchNorm1d: normalised input, (N, F); else empty
    std::vector<Eigen::RowVectorXf> inv_std, batch_mean, batch_var;  // BatchNorm1d: (F)
    Matrix grad_a, grad_b;        // backward ping-pong, (N, widest layer)
    const float* input = nullptr; // input of the last forward, owned by the caller
    int batch = 0;
    int layers_run = 0;           // forward ran layers [0, layers_run)

    void prepare(const Sequential& net, int batch_size);
};

// PyTorch's default initialisation: Linear weight and bias ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in))
// (kaiming_uniform with a = sqrt(5) reduces to that bound); BatchNorm weight 1, bias 0,
// running mean 0, running var 1.
class Rng;
void sequential_init_default(Sequential& net, Rng& rng);

// Runs layers [0, layer_count) on x (N, features_in). layer_count < 0 means all.
// Returns a view of the last output, valid until the cache is reused.
ConstMatrixView sequential_forward(Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                   BatchNormMode mode, int layer_count = -1);

// Backpropagates d_output (N, output of the last layer run) through the layers the last
// forward ran. Parameter gradients are ACCUMULATED into net.grads when want_param_grads.
// Returns d_input (N, features_in) when want_input_grad, else an empty view.
ConstMatrixView sequential_backward(Sequential& net, SequentialCache& cache, ConstMatrixView d_output,
                                    bool want_param_grads, bool want_input_grad);

}  // namespace ganvas
