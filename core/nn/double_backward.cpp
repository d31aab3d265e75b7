// double_backward.cpp - the input gradient with every upstream gradient kept, and its adjoint.
// See double_backward.h.
#include "nn/double_backward.h"

#include <algorithm>
#include <cassert>

namespace ganvas {

void InputGradientCache::prepare(const Sequential& net, int batch_size) {
    const size_t n = net.layers.size();
    d_out_at.resize(n);
    size_t at = 0;
    int64_t widest = net.features_in();
    size_t scratch = 0;
    for (size_t i = 0; i < n; ++i) {
        const LayerSpec& spec = net.layers[i].spec;
        d_out_at[i] = at;
        at += layer_cache_round(size_t(batch_size) * size_t(spec.out.size()));
        widest = std::max(widest, spec.out.size());
        if (spec.kind->scratch_floats) scratch = std::max(scratch, spec.kind->scratch_floats(spec, batch_size));
    }
    d_input_at = at;
    at += layer_cache_round(size_t(batch_size) * size_t(net.features_in()));
    const size_t u_size = layer_cache_round(size_t(batch_size) * size_t(widest));
    u_a = at;
    u_b = at + u_size;
    at += 2 * u_size;
    scratch_at = at;
    at += layer_cache_round(scratch);
    if (arena.size() < at) arena.resize(at);  // grows once
    batch = batch_size;
}

bool sequential_has_double_backward(const std::vector<LayerSpec>& specs) {
    for (const LayerSpec& s : specs)
        if (!s.kind || !s.kind->double_backward) return false;
    return true;
}

namespace {
// The forward's input of layer i.
const float* input_of(const SequentialCache& forward, int i) { return i == 0 ? forward.input : forward.output(i - 1); }
}  // namespace

ConstMatrixView sequential_input_gradient(const Sequential& net, const SequentialCache& forward, ConstMatrixView d_output,
                                          InputGradientCache& ig) {
    const int n = forward.batch, layers = int(net.layers.size());
    assert(forward.layers_run == layers && d_output.rows() == n && d_output.cols() == net.features_out() &&
           "sequential_input_gradient: run the whole network forward first; d_output is (N, features_out)");
    ig.prepare(net, n);
    float* arena = ig.arena.data();
    std::copy(d_output.data(), d_output.data() + d_output.size(), arena + ig.d_out_at[size_t(layers - 1)]);
    for (int i = layers - 1; i >= 0; --i) {
        const Layer& layer = net.layers[size_t(i)];
        LayerBackwardArgs a;
        a.spec = &layer.spec;
        a.batch = n;
        a.in = input_of(forward, i);
        a.out = forward.output(i);
        a.d_out = arena + ig.d_out_at[size_t(i)];
        a.d_in = arena + (i == 0 ? ig.d_input_at : ig.d_out_at[size_t(i) - 1]);
        a.cache = forward.arena.data() + forward.cache_at[size_t(i)];
        a.scratch = arena + ig.scratch_at;
        a.params = net.params.data() + layer.param_offset;
        a.grads = nullptr;
        a.mode = forward.mode;
        layer.spec.kind->backward(a);
    }
    return ConstMatrixView(arena + ig.d_input_at, n, net.features_in());
}

void sequential_input_gradient_backward(Sequential& net, const SequentialCache& forward, InputGradientCache& ig,
                                        ConstMatrixView u) {
    const int n = ig.batch, layers = int(net.layers.size());
    assert(u.rows() == n && u.cols() == net.features_in() && "sequential_input_gradient_backward: u is (N, features_in)");
    float* arena = ig.arena.data();
    const float* u_in = u.data();
    size_t next = ig.u_a;
    for (int i = 0; i < layers; ++i) {
        const Layer& layer = net.layers[size_t(i)];
        assert(layer.spec.kind->double_backward && "sequential_input_gradient_backward: a layer has no double backward");
        LayerDoubleBackwardArgs a;
        a.spec = &layer.spec;
        a.batch = n;
        a.in = input_of(forward, i);
        a.d_out = arena + ig.d_out_at[size_t(i)];
        a.u_in = u_in;
        a.u_out = arena + next;
        a.params = net.params.data() + layer.param_offset;
        a.grads = net.grads.data() + layer.param_offset;
        a.cache = forward.arena.data() + forward.cache_at[size_t(i)];
        a.scratch = arena + ig.scratch_at;
        layer.spec.kind->double_backward(a);
        u_in = a.u_out;
        next = next == ig.u_a ? ig.u_b : ig.u_a;
    }
}

}  // namespace ganvas
