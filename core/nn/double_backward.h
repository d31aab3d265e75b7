// double_backward.h - the gradient of a network's input gradient: what gradient penalties need.
//
// A penalty P(g) on g = d(sum_i w_i y_i)/dx - the input gradient of a network y = f(x) - needs
// dP/d(weights): "the gradient of a gradient" (PyTorch: autograd.grad(..., create_graph=True)
// then backward through that graph). Two sweeps over a forward the caller has run:
//   1. sequential_input_gradient: the ordinary backward from d_output = w, weights' gradients
//      skipped, but every layer's upstream gradient d_out_l KEPT (the plain backward ping-pongs
//      them away): g = J_0^T ... J_{L-1}^T w.
//   2. sequential_input_gradient_backward: given u = dP/dg, walks the layers FORWARD (the
//      adjoint of the first sweep), each layer's record taking u_in = dP/d(d_in) to
//      u_out = dP/d(d_out) and adding dP/d(its params) (layers/layer.h, double_backward).
// This is exact for networks whose layers all have a double_backward (Linear, LeakyReLU: their
// Jacobians do not vary with the input, except by masks whose derivative is 0 almost
// everywhere, so no term flows into the forward activations); sequential_has_double_backward
// says whether a network qualifies.
//
// Memory: an InputGradientCache owned by the caller, sized on first use for a network and a
// batch size; afterwards neither sweep allocates.
#pragma once

#include <vector>

#include <Eigen/Core>

#include "nn/model.h"

namespace ganvas {

struct InputGradientCache {
    std::vector<float, Eigen::aligned_allocator<float>> arena;
    std::vector<size_t> d_out_at;  // per layer: its upstream gradient (N, out) from sweep 1
    size_t d_input_at = 0;         // g (N, features_in)
    size_t u_a = 0, u_b = 0;       // sweep 2's ping-pong, (N, widest layer) each
    size_t scratch_at = 0;         // the layers' workspace (the largest scratch_floats)
    int batch = 0;

    void prepare(const Sequential& net, int batch_size);
};

// True when every layer's kind implements double_backward.
bool sequential_has_double_backward(const std::vector<LayerSpec>& specs);

// Sweep 1 on the last forward in `forward` (all layers run): g = d(sum w * y)/dx (N, features_in)
// for d_output = w (N, features_out). Net's gradients are untouched. The view lives in ig.
ConstMatrixView sequential_input_gradient(const Sequential& net, const SequentialCache& forward, ConstMatrixView d_output,
                                          InputGradientCache& ig);

// Sweep 2: ACCUMULATES dP/d(params) into net.grads, for u = dP/dg (N, features_in) and the g
// that sequential_input_gradient last computed into ig from the same forward.
void sequential_input_gradient_backward(Sequential& net, const SequentialCache& forward, InputGradientCache& ig,
                                        ConstMatrixView u);

}  // namespace ganvas
