// layers/layer.h - what a layer kind provides: one record of operations per kind.
//
// A layer kind is a `LayerRecord`: a table of function pointers, defined in its own file
// (layers/linear.cpp, leaky_relu.cpp, batchnorm1d.cpp, tanh.cpp, sigmoid.cpp, spectral_linear.cpp,
// minibatch_stddev.cpp; the convolutional kinds conv2d.cpp, conv_transpose2d.cpp,
// batchnorm2d.cpp, relu.cpp, reshape.cpp). The network
// (nn/model.h) never asks which kind a layer is; it asks the record:
//   - output_shape  the output shape of one sample from the input shape;
//   - tensors       its PyTorch state_dict tensors, names relative to "model.<i>.", in order;
//                   each lives in the params (trainable), buffers (running statistics) or
//                   counters (int64 scalars such as num_batches_tracked) store;
//   - cache_floats  floats it keeps from forward for backward, beyond its output;
//   - scratch_floats floats it may use as workspace inside one forward, backward or double
//                   backward call (im2col columns, transposed gradients); nothing survives the
//                   call, so one region serves every layer of a network;
//   - init_default  PyTorch's default initialisation of its tensors;
//   - forward       out from in, by BatchNormMode; never allocates;
//   - backward      d_in (overwrites; null = not needed) and parameter gradients (ACCUMULATED;
//                   null = not needed, that work is skipped);
//   - flops         multiply-adds of its products (forward, input gradient, weight gradient);
//   - gemms         the matrix products it performs (for the benchmark and the GEMM tests);
//   - fuses_with / forward_fused: an optional "compute me and the next layer in one pass";
//   - double_backward: the second-order sweep a gradient penalty needs (nn/double_backward.h).
// Optional operations are null pointers: no tensors, no cache, nothing to initialise, no
// products, no fusion.
//
// Adding a kind: one .cpp defining its record and its LayerSpec factory, one line below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/gemm.h"
#include "nn/tensor.h"

namespace ganvas {

class Rng;
struct LayerRecord;

// How normalisation layers normalise.
enum class BatchNormMode {
    Train,          // batch statistics, and update the running statistics (PyTorch train())
    TrainNoUpdate,  // batch statistics, running statistics untouched (for previews)
    Eval,           // running statistics (PyTorch eval())
};

// [SECTION] Specs

// One layer as written in a network description. `in` and `out` are per-sample shapes; a
// factory that does not know its width (an activation) leaves `in` empty (c == 0) and the
// network fills both from the previous layer (sequential_resolve in nn/model.h).
struct LayerSpec {
    const LayerRecord* kind = nullptr;
    SampleShape in{}, out{};       // per sample, (C, H, W)
    float negative_slope = 0.2f;  // LeakyReLU
    float eps = 1e-5f;            // BatchNorm1d, BatchNorm2d
    float momentum = 0.1f;        // BatchNorm1d, BatchNorm2d
    // Conv2d, ConvTranspose2d: square kernels, the same stride and padding along H and W.
    int in_channels = 0, out_channels = 0, kernel = 0, stride = 1, padding = 0;

    // Defined in the kinds' files.
    static LayerSpec linear(int in_features, int out_features);  // layers/linear.cpp
    static LayerSpec leaky_relu(float negative_slope);          // layers/leaky_relu.cpp
    static LayerSpec batchnorm(int num_features);               // layers/batchnorm1d.cpp
    static LayerSpec tanh();                                    // layers/tanh.cpp
    static LayerSpec sigmoid();                                 // layers/sigmoid.cpp
    static LayerSpec spectral_linear(int in_features, int out_features);  // layers/spectral_linear.cpp
    static LayerSpec minibatch_stddev();                                  // layers/minibatch_stddev.cpp
    // Convolutional kinds. Their input's H and W come from the previous layer.
    static LayerSpec conv2d(int in_channels, int out_channels, int kernel, int stride, int padding);  // layers/conv2d.cpp
    static LayerSpec conv_transpose2d(int in_channels, int out_channels, int kernel, int stride,
                                      int padding);                        // layers/conv_transpose2d.cpp
    static LayerSpec batchnorm2d(int channels);                          // layers/batchnorm2d.cpp
    static LayerSpec relu();                                             // layers/relu.cpp
    // nn.Unflatten(1, (C, H, W)): (C*H*W) features per sample to `to`; nn.Flatten(): back.
    static LayerSpec unflatten(SampleShape to);                          // layers/reshape.cpp
    static LayerSpec flatten();                                          // layers/reshape.cpp
};

// [SECTION] Tensors

// Where a named tensor lives.
enum class TensorStore {
    Params,   // trainable float32, with a gradient at the same offset
    Buffers,  // float32 state that is not trained (running statistics)
    Counter,  // an int64 scalar (PyTorch's num_batches_tracked)
};

// A tensor a record declares, in state_dict order.
struct TensorDecl {
    std::string name;            // relative to "model.<i>.", e.g. "weight", "running_var"
    std::vector<int64_t> shape;  // PyTorch shape; {} for a scalar
    TensorStore store = TensorStore::Params;
    bool non_negative = false;   // a loaded value below 0 is refused (variances)
};

// [SECTION] Operations

// Everything forward needs. A layer's tensors are contiguous in each store, in the order its
// record declares them: `params` points at its first trainable value, `buffers` at its first
// buffer value, `counters` at its first counter.
struct LayerForwardArgs {
    const LayerSpec* spec = nullptr;  // shapes resolved
    int batch = 0;                    // N
    const float* in = nullptr;        // (N, spec->in)
    float* out = nullptr;             // (N, spec->out)
    float* cache = nullptr;           // cache_floats(spec, N) floats, read again by backward
    float* scratch = nullptr;         // scratch_floats(spec, N) floats of workspace
    const float* params = nullptr;
    const float* buffers = nullptr;
    float* buffers_update = nullptr;  // the same as buffers, writable: only in BatchNormMode::Train
    int64_t* counters = nullptr;      // writable: only in BatchNormMode::Train
    BatchNormMode mode = BatchNormMode::Eval;
};

struct LayerBackwardArgs {
    const LayerSpec* spec = nullptr;
    int batch = 0;
    const float* in = nullptr;     // (N, spec->in), the forward's input
    const float* out = nullptr;    // (N, spec->out), the forward's output
    const float* d_out = nullptr;  // (N, spec->out)
    float* d_in = nullptr;         // (N, spec->in), overwritten; null: not needed
    const float* cache = nullptr;  // what forward kept
    float* scratch = nullptr;      // scratch_floats(spec, N) floats of workspace
    const float* params = nullptr;
    float* grads = nullptr;        // same layout as params, ACCUMULATED (+=); null: not needed
    BatchNormMode mode = BatchNormMode::Eval;  // the forward's
};

// Second order, for a penalty P on the network's INPUT gradient (gan/penalty.h). The first-order
// pass took the layer's upstream gradient d_out (N, out) to d_in = J^T d_out (N, in), J the
// layer's Jacobian. Given u_in = dP/d(d_in) (N, in), double_backward writes u_out = dP/d(d_out)
// (N, out, overwritten) and ACCUMULATES dP/d(params) into grads (null: not needed).
// Only kinds whose J depends on their input through piecewise-constant factors alone implement
// it - Linear (J = W), SpectralLinear (J = W / sigma(W)), LeakyReLU (J = diag(mask(in)), mask' = 0 almost everywhere) - so nothing
// flows back into the forward activations and P's gradient is one sweep from the first layer to
// the last. A kind without it (BatchNorm, Tanh, ...) cannot be in a penalised network.
struct LayerDoubleBackwardArgs {
    const LayerSpec* spec = nullptr;
    int batch = 0;
    const float* in = nullptr;     // (N, spec->in), the forward's input
    const float* d_out = nullptr;  // (N, spec->out), the first-order pass's upstream gradient
    const float* u_in = nullptr;   // (N, spec->in)
    float* u_out = nullptr;        // (N, spec->out), overwritten
    const float* params = nullptr;
    float* grads = nullptr;        // ACCUMULATED (+=); null: not needed
    const float* cache = nullptr;  // what the forward kept (its record's cache_floats)
    float* scratch = nullptr;      // scratch_floats(spec, N) floats of workspace
};

// Multiply-adds of a layer's products at a batch size (element-wise work is not counted).
struct LayerFlops {
    double forward = 0, input_grad = 0, weight_grad = 0;
};

// One matrix product C(m, n) = op(A)(m, k) * op(B)(k, n) a layer performs, as the GEMM sees it.
enum class LayerPass { Forward, InputGrad, WeightGrad };
struct LayerGemm {
    LayerPass pass = LayerPass::Forward;
    GemmShape shape;  // m, n, k, op_a, op_b (nn/gemm.h)
};

struct LayerRecord {
    const char* name;  // PyTorch's class name, e.g. "Linear"
    // The output shape of one sample; asserts when `in` does not suit the spec.
    SampleShape (*output_shape)(const LayerSpec& spec, SampleShape in);
    void (*tensors)(const LayerSpec& spec, std::vector<TensorDecl>* out);  // optional
    size_t (*cache_floats)(const LayerSpec& spec, int batch);               // optional
    void (*init_default)(const LayerSpec& spec, float* params, float* buffers, int64_t* counters,
                         Rng& rng);                                         // optional
    void (*forward)(const LayerForwardArgs& a);
    void (*backward)(const LayerBackwardArgs& a);
    LayerFlops (*flops)(const LayerSpec& spec, int batch);                        // optional
    void (*gemms)(const LayerSpec& spec, int batch, std::vector<LayerGemm>* out);  // optional
    // Optional fusion: when fuses_with(self, next), forward_fused(self, next) computes both
    // layers in one pass, with the same bits as self's forward then next's forward, each
    // writing its own output (backward stays per layer). next.in == self.out.
    bool (*fuses_with)(const LayerSpec& self, const LayerSpec& next);
    void (*forward_fused)(const LayerForwardArgs& self, const LayerForwardArgs& next);
    void (*double_backward)(const LayerDoubleBackwardArgs& a);  // optional (see above)
    size_t (*scratch_floats)(const LayerSpec& spec, int batch);   // optional: no workspace
};

// [SECTION] The kinds

extern const LayerRecord linear_record;       // layers/linear.cpp
extern const LayerRecord leaky_relu_record;   // layers/leaky_relu.cpp
extern const LayerRecord batchnorm1d_record;  // layers/batchnorm1d.cpp
extern const LayerRecord tanh_record;         // layers/tanh.cpp
extern const LayerRecord sigmoid_record;      // layers/sigmoid.cpp
extern const LayerRecord spectral_linear_record;   // layers/spectral_linear.cpp
extern const LayerRecord minibatch_stddev_record;  // layers/minibatch_stddev.cpp
extern const LayerRecord conv2d_record;            // layers/conv2d.cpp
extern const LayerRecord conv_transpose2d_record;  // layers/conv_transpose2d.cpp
extern const LayerRecord batchnorm2d_record;       // layers/batchnorm2d.cpp
extern const LayerRecord relu_record;              // layers/relu.cpp
extern const LayerRecord unflatten_record;         // layers/reshape.cpp
extern const LayerRecord flatten_record;           // layers/reshape.cpp

// The records by their PyTorch names, for code that must name a kind (tests, descriptions):
// `spec.kind == LayerKind::Linear`.
namespace LayerKind {
inline constexpr const LayerRecord* Linear = &linear_record;
inline constexpr const LayerRecord* LeakyReLU = &leaky_relu_record;
inline constexpr const LayerRecord* BatchNorm1d = &batchnorm1d_record;
inline constexpr const LayerRecord* Tanh = &tanh_record;
inline constexpr const LayerRecord* Sigmoid = &sigmoid_record;
inline constexpr const LayerRecord* SpectralLinear = &spectral_linear_record;
inline constexpr const LayerRecord* MinibatchStddev = &minibatch_stddev_record;
inline constexpr const LayerRecord* Conv2d = &conv2d_record;
inline constexpr const LayerRecord* ConvTranspose2d = &conv_transpose2d_record;
inline constexpr const LayerRecord* BatchNorm2d = &batchnorm2d_record;
inline constexpr const LayerRecord* ReLU = &relu_record;
inline constexpr const LayerRecord* Unflatten = &unflatten_record;
inline constexpr const LayerRecord* Flatten = &flatten_record;
}  // namespace LayerKind

// output_shape of the kinds that keep the shape (element-wise activations, normalisations).
inline SampleShape layer_shape_unchanged(const LayerSpec&, SampleShape in) { return in; }

// BatchNorm1d's and BatchNorm2d's tensors over `features` channels (layers/batchnorm1d.cpp): weight,
// bias, running_mean, running_var, num_batches_tracked, and PyTorch's initial values of them
// (weight 1, bias 0, running mean 0, running var 1, no batches tracked).
void batchnorm_declare_tensors(int64_t features, std::vector<TensorDecl>* out);
void batchnorm_init_tensors(int features, float* params, float* buffers, int64_t* counters);

// A Conv2d or ConvTranspose2d spec (layers/conv2d.cpp); the input's H and W come from the network.
LayerSpec conv_spec(const LayerRecord* kind, int in_channels, int out_channels, int kernel, int stride, int padding);

// Slices of a cache arena start on 64-byte boundaries (16 floats), as Eigen's own matrices do.
inline size_t layer_cache_round(size_t floats) { return (floats + 15) / 16 * 16; }

}  // namespace ganvas
