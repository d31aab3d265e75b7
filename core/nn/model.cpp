// model.cpp - Sequential: layout from the layer records, default init, forward and backward.
#include "nn/model.h"

#include <algorithm>
#include <cassert>

namespace ganvas {

// [SECTION] Layout

namespace {

size_t element_count(const std::vector<int64_t>& shape) {
    size_t n = 1;
    for (int64_t d : shape) n *= size_t(d);
    return n;
}

// Names and places every tensor of the resolved specs; fills each layer's first offsets when
// `layers` is given. Returns the element count of each store (params, buffers, counters).
std::vector<size_t> lay_out(const std::vector<LayerSpec>& resolved, std::vector<Layer>* layers,
                            std::vector<TensorInfo>* tensors) {
    std::vector<size_t> next(3, 0);  // by TensorStore
    std::vector<TensorDecl> decls;
    for (size_t i = 0; i < resolved.size(); ++i) {
        const LayerSpec& spec = resolved[i];
        if (layers) layers->push_back({spec, next[0], next[1], next[2]});
        decls.clear();
        if (spec.kind->tensors) spec.kind->tensors(spec, &decls);
        const std::string prefix = "model." + std::to_string(i) + ".";
        for (const TensorDecl& d : decls) {
            size_t& offset = next[size_t(d.store)];
            const size_t size = element_count(d.shape);
            tensors->push_back({prefix + d.name, d.shape, d.store, offset, size, d.non_negative});
            offset += size;
        }
    }
    return next;
}

}  // namespace

std::vector<LayerSpec> sequential_resolve(const std::vector<LayerSpec>& specs) {
    std::vector<LayerSpec> resolved = specs;
    SampleShape previous{};
    for (size_t i = 0; i < resolved.size(); ++i) {
        LayerSpec& s = resolved[i];
        assert(s.kind && "Sequential: a layer spec has no kind (use the LayerSpec factories)");
        if (s.in.c == 0) {
            assert(i > 0 && "Sequential: the first layer must state its input shape");
            s.in = previous;
        }
        assert((i == 0 || s.in == previous) && "Sequential: a layer's input shape must match the previous output");
        s.out = s.kind->output_shape(s, s.in);
        previous = s.out;
    }
    return resolved;
}

std::vector<TensorInfo> sequential_tensors(const std::vector<LayerSpec>& specs) {
    std::vector<TensorInfo> tensors;
    lay_out(sequential_resolve(specs), nullptr, &tensors);
    return tensors;
}

Sequential::Sequential(const std::vector<LayerSpec>& specs) {
    const std::vector<size_t> sizes = lay_out(sequential_resolve(specs), &layers, &tensors);
    params.assign(sizes[size_t(TensorStore::Params)], 0.0f);
    grads.assign(params.size(), 0.0f);
    buffers.assign(sizes[size_t(TensorStore::Buffers)], 0.0f);
    counters.assign(sizes[size_t(TensorStore::Counter)], 0);
}

void Sequential::zero_grads() { std::fill(grads.begin(), grads.end(), 0.0f); }

const TensorInfo* Sequential::find_tensor(size_t layer, const std::string& name) const {
    const std::string full = "model." + std::to_string(layer) + "." + name;
    for (const TensorInfo& t : tensors)
        if (t.name == full) return &t;
    return nullptr;
}

float* Sequential::values(size_t layer, const std::string& name) {
    const TensorInfo* t = find_tensor(layer, name);
    assert(t && t->store != TensorStore::Counter && "Sequential::values: no such float tensor");
    return t->store == TensorStore::Params ? &params[t->offset] : &buffers[t->offset];
}

int64_t& Sequential::counter(size_t layer, const std::string& name) {
    const TensorInfo* t = find_tensor(layer, name);
    assert(t && t->store == TensorStore::Counter && "Sequential::counter: no such counter");
    return counters[t->offset];
}

// [SECTION] Cost

SequentialFlops sequential_flops(const std::vector<LayerSpec>& specs, int batch) {
    SequentialFlops total;
    const std::vector<LayerSpec> resolved = sequential_resolve(specs);
    for (size_t i = 0; i < resolved.size(); ++i) {
        if (!resolved[i].kind->flops) continue;
        const LayerFlops f = resolved[i].kind->flops(resolved[i], batch);
        total.forward += f.forward;
        total.input_grad += f.input_grad;
        if (i > 0) total.input_grad_inner += f.input_grad;
        total.weight_grad += f.weight_grad;
    }
    return total;
}

std::vector<LayerGemm> sequential_gemms(const std::vector<LayerSpec>& specs, int batch) {
    std::vector<LayerGemm> gemms;
    for (const LayerSpec& s : sequential_resolve(specs))
        if (s.kind->gemms) s.kind->gemms(s, batch, &gemms);
    return gemms;
}

// [SECTION] Cache

void SequentialCache::prepare(const Sequential& net, int batch_size) {
    const size_t n = net.layers.size();
    output_at.resize(n);  // no-ops when the network is unchanged
    cache_at.resize(n);
    size_t at = 0;
    int64_t widest = net.features_in();
    size_t scratch = 0;
    for (size_t i = 0; i < n; ++i) {
        const LayerSpec& spec = net.layers[i].spec;
        output_at[i] = at;
        at += layer_cache_round(size_t(batch_size) * size_t(spec.out.size()));
        cache_at[i] = at;
        if (spec.kind->cache_floats) at += layer_cache_round(spec.kind->cache_floats(spec, batch_size));
        if (spec.kind->scratch_floats) scratch = std::max(scratch, spec.kind->scratch_floats(spec, batch_size));
        widest = std::max(widest, spec.out.size());
    }
    const size_t grad_size = layer_cache_round(size_t(batch_size) * size_t(widest));
    grad_a = at;
    grad_b = at + grad_size;
    at += 2 * grad_size;
    scratch_at = at;
    at += layer_cache_round(scratch);
    if (arena.size() < at) arena.resize(at);  // grows once; a smaller batch reuses it
    batch = batch_size;
}

// [SECTION] Initialisation

void sequential_init_default(Sequential& net, Rng& rng) {
    for (const Layer& layer : net.layers)
        if (layer.spec.kind->init_default)
            layer.spec.kind->init_default(layer.spec, net.params.data() + layer.param_offset,
                                          net.buffers.data() + layer.buffer_offset,
                                          net.counters.data() + layer.counter_offset, rng);
}

// [SECTION] Forward

namespace {

// Runs layers [0, count). buffers_update / counters_update: the network's stores, writable, in
// Train mode; null otherwise.
ConstMatrixView forward_layers(const Sequential& net, float* buffers_update, int64_t* counters_update,
                               SequentialCache& cache, ConstMatrixView x, BatchNormMode mode, int count) {
    assert(x.cols() == net.features_in() && "sequential_forward: input width differs from the network's");
    const int n = int(x.rows());
    cache.prepare(net, n);
    cache.input = x.data();
    cache.layers_run = count;
    cache.mode = mode;
    auto args_of = [&](int i, const float* in) {
        const Layer& layer = net.layers[size_t(i)];
        LayerForwardArgs a;
        a.spec = &layer.spec;
        a.batch = n;
        a.in = in;
        a.out = cache.output(i);
        a.cache = cache.arena.data() + cache.cache_at[size_t(i)];
        a.scratch = cache.scratch();
        a.params = net.params.data() + layer.param_offset;
        a.buffers = net.buffers.data() + layer.buffer_offset;
        a.buffers_update = buffers_update ? buffers_update + layer.buffer_offset : nullptr;
        a.counters = counters_update ? counters_update + layer.counter_offset : nullptr;
        a.mode = mode;
        return a;
    };
    // Eigen::Map's operator= copies values, it does not rebind: track the input by pointer.
    const float* in_data = x.data();
    for (int i = 0; i < count; ++i) {
        const LayerSpec& spec = net.layers[size_t(i)].spec;
        const LayerRecord& record = *spec.kind;
        const LayerForwardArgs a = args_of(i, in_data);
        if (record.fuses_with && i + 1 < count && record.fuses_with(spec, net.layers[size_t(i) + 1].spec)) {
            const LayerForwardArgs next = args_of(i + 1, a.out);
            record.forward_fused(a, next);  // both outputs are kept for backward
            in_data = next.out;
            i += 1;
        } else {
            record.forward(a);
            in_data = a.out;
        }
    }
    const int64_t width_out = count > 0 ? net.layers[size_t(count) - 1].spec.out.size() : net.features_in();
    return ConstMatrixView(in_data, n, width_out);
}

}  // namespace

ConstMatrixView sequential_forward(Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                   BatchNormMode mode, int layer_count) {
    const int count = layer_count < 0 ? int(net.layers.size()) : layer_count;
    const bool train = mode == BatchNormMode::Train;
    return forward_layers(net, train ? net.buffers.data() : nullptr, train ? net.counters.data() : nullptr, cache, x,
                          mode, count);
}

ConstMatrixView sequential_infer(const Sequential& net, SequentialCache& cache, ConstMatrixView x,
                                 BatchNormMode mode) {
    assert(mode != BatchNormMode::Train && "sequential_infer: Train mode updates the network; use sequential_forward");
    return forward_layers(net, nullptr, nullptr, cache, x, mode, int(net.layers.size()));
}

// [SECTION] Backward

ConstMatrixView sequential_backward(Sequential& net, SequentialCache& cache, ConstMatrixView d_output,
                                    bool want_param_grads, bool want_input_grad) {
    const int n = cache.batch;
    assert(d_output.rows() == n && "sequential_backward: d_output batch differs from the forward's");
    const float* d_out_data = d_output.data();  // by pointer: Map's operator= copies values
    size_t next_buffer = cache.grad_a;
    for (int i = cache.layers_run - 1; i >= 0; --i) {
        const Layer& layer = net.layers[size_t(i)];
        const bool first = (i == 0);
        LayerBackwardArgs a;
        a.spec = &layer.spec;
        a.batch = n;
        a.in = first ? cache.input : cache.output(i - 1);
        a.out = cache.output(i);
        a.d_out = d_out_data;
        a.d_in = (!first || want_input_grad) ? cache.arena.data() + next_buffer : nullptr;
        a.cache = cache.arena.data() + cache.cache_at[size_t(i)];
        a.scratch = cache.scratch();
        a.params = net.params.data() + layer.param_offset;
        a.grads = want_param_grads ? net.grads.data() + layer.param_offset : nullptr;
        a.mode = cache.mode;
        layer.spec.kind->backward(a);
        d_out_data = cache.arena.data() + next_buffer;
        next_buffer = (next_buffer == cache.grad_a) ? cache.grad_b : cache.grad_a;
    }
    if (!want_input_grad) return ConstMatrixView(nullptr, 0, 0);
    return ConstMatrixView(d_out_data, n, net.features_in());
}

}  // namespace ganvas
