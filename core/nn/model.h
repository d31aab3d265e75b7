// model.h - a sequential network of layer records whose values live in flat buffers.
//
// A Sequential is the PyTorch `nn.Sequential` of the seed: a list of layers indexed like
// PyTorch's, so layer i's tensors are named `model.<i>.weight` etc. in checkpoints. What each
// layer is and does comes from its kind's record (nn/layers/layer.h); nothing here asks for a
// kind by name.
//
// Memory (llm.c style): every trainable tensor is a view into `params`, with its gradient at the
// same offset in `grads`; untrained float state (running statistics) lives in `buffers`, int64
// counters (num_batches_tracked) in `counters`. The optimiser, checkpoints and hashing are
// therefore each one loop over a flat array and the tensor table.
//
// Activations saved for backward live in a SequentialCache owned by the CALLER, one per forward
// pass that must survive until its backward: the trainer keeps separate caches for "D on a real
// batch" and "D on a fake batch" so neither overwrites the other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "nn/layers/layer.h"
#include "nn/tensor.h"

namespace ganvas {

// [SECTION] Network

struct Layer {
    LayerSpec spec;  // per-sample shapes resolved
    size_t param_offset = 0;   // its first value in params / grads
    size_t buffer_offset = 0;  // its first value in buffers
    size_t counter_offset = 0; // its first value in counters
};

// A named tensor of a network, for checkpoints.
struct TensorInfo {
    std::string name;            // PyTorch state_dict name, e.g. "model.3.running_mean"
    std::vector<int64_t> shape;  // PyTorch shape, e.g. {256, 128} for a Linear(128, 256) weight
    TensorStore store = TensorStore::Params;
    size_t offset = 0;           // into params, buffers or counters, by store
    size_t size = 0;             // element count
    bool non_negative = false;   // a loaded value below 0 is refused (variances)
};

struct Sequential {
    std::vector<Layer> layers;
    std::vector<float> params;     // all trainable values
    std::vector<float> grads;      // same layout as params
    std::vector<float> buffers;    // running statistics
    std::vector<int64_t> counters; // num_batches_tracked
    std::vector<TensorInfo> tensors;

    explicit Sequential(const std::vector<LayerSpec>& specs = {});
    SampleShape shape_in() const { return layers.front().spec.in; }
    SampleShape shape_out() const { return layers.back().spec.out; }
    int features_in() const { return int(shape_in().size()); }    // floats per input sample
    int features_out() const { return int(shape_out().size()); }  // floats per output sample
    void zero_grads();

    // The tensor "model.<layer>.<name>", or null.
    const TensorInfo* find_tensor(size_t layer, const std::string& name) const;
    // Its float values (params or buffers) / its counter; asserts that it exists.
    float* values(size_t layer, const std::string& name);
    int64_t& counter(size_t layer, const std::string& name = "num_batches_tracked");
};

// The specs with every per-sample shape filled in: a spec without an input shape takes the
// previous layer's output; each output comes from the record. Asserts on mismatched widths.
std::vector<LayerSpec> sequential_resolve(const std::vector<LayerSpec>& specs);

// The tensors the specs declare, named and laid out as a Sequential of them would (offsets
// into each store), without allocating the network.
std::vector<TensorInfo> sequential_tensors(const std::vector<LayerSpec>& specs);

// Multiply-adds at a batch size, summed over the layers (LayerRecord::flops);
// input_grad_inner leaves out the first layer, whose input gradient training never needs.
struct SequentialFlops {
    double forward = 0, input_grad = 0, input_grad_inner = 0, weight_grad = 0;
};
SequentialFlops sequential_flops(const std::vector<LayerSpec>& specs, int batch);

// Every matrix product of one forward and both backward passes (LayerRecord::gemms).
std::vector<LayerGemm> sequential_gemms(const std::vector<LayerSpec>& specs, int batch);

// [SECTION] Cache

// Per-call activations in one arena sized by the records for one batch size (each layer's
// output, then what its record keeps for backward; two backward ping-pong buffers).
// prepare() reallocates only when the network or the batch size changes, so steady-state
// training never allocates.
struct SequentialCache {
    std::vector<float, Eigen::aligned_allocator<float>> arena;
    std::vector<size_t> output_at;  // per layer: offset of its output (N, out) in arena
    std::vector<size_t> cache_at;   // per layer: offset of its record's cache in arena
    size_t grad_a = 0, grad_b = 0;  // backward ping-pong, (N, widest layer) each
    size_t scratch_at = 0;          // the layers' workspace (the largest scratch_floats)
    const float* input = nullptr;   // input of the last forward, owned by the caller
    int batch = 0;
    int layers_run = 0;             // forward ran layers [0, layers_run)
    BatchNormMode mode = BatchNormMode::Eval;  // of the last forward

    void prepare(const Sequential& net, int batch_size);
    float* output(int layer) { return arena.data() + output_at[size_t(layer)]; }
    const float* output(int layer) const { return arena.data() + output_at[size_t(layer)]; }
    float* scratch() { return arena.data() + scratch_at; }
};

// [SECTION] Initialisation, forward, backward

// PyTorch's default initialisation, layer by layer in order (LayerRecord::init_default): Linear
// weight and bias ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)); BatchNorm weight 1, bias 0, running
// mean 0, running var 1, num_batches_tracked 0.
class Rng;
void sequential_init_default(Sequential& net, Rng& rng);

// Runs layers [0, layer_count) on x (N, features_in). layer_count < 0 means all. In Train
// mode the running statistics and counters are updated.
// Returns a view of the last output, valid until the cache is reused.
ConstMatrixView sequential_forward(Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                   BatchNormMode mode, int layer_count = -1);

// The same forward through every layer, for the modes that leave the network untouched (Eval,
// TrainNoUpdate): the weights are const, so a sampler can run any set of them (EMA weights).
ConstMatrixView sequential_infer(const Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                 BatchNormMode mode);

// Backpropagates d_output (N, output of the last layer run) through the layers the last
// forward ran. Parameter gradients are ACCUMULATED into net.grads when want_param_grads.
// Returns d_input (N, features_in) when want_input_grad, else an empty view.
ConstMatrixView sequential_backward(Sequential& net, SequentialCache& cache, ConstMatrixView d_output,
                                    bool want_param_grads, bool want_input_grad);

}  // namespace ganvas
