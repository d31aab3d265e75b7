// layers/reshape.cpp - nn.Unflatten(1, (C, H, W)) and nn.Flatten(): the reshapes between a
// Linear layer's feature vectors and a convolution's maps.
//
// A sample is C*H*W contiguous floats either way (nn/tensor.h), so both only copy and only the
// per-sample shape changes; they have no tensors but take an index in the nn.Sequential, as in
// PyTorch, so the layers after them keep PyTorch's state_dict names.
#include <algorithm>
#include <cassert>

#include "nn/layers/layer.h"

namespace ganvas {

namespace {

SampleShape unflatten_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.size() == s.out.size() && "Unflatten: the input must have C*H*W features");
    (void)in;
    return s.out;
}

SampleShape flatten_output_shape(const LayerSpec&, SampleShape in) { return SampleShape::features(int(in.size())); }

void copy_forward(const LayerForwardArgs& a) { std::copy_n(a.in, size_t(a.batch) * a.spec->in.size(), a.out); }

void copy_backward(const LayerBackwardArgs& a) {
    if (a.d_in) std::copy_n(a.d_out, size_t(a.batch) * a.spec->in.size(), a.d_in);
}

void copy_double_backward(const LayerDoubleBackwardArgs& a) {
    std::copy_n(a.u_in, size_t(a.batch) * a.spec->in.size(), a.u_out);
}

constexpr LayerRecord reshape_record(const char* name, SampleShape (*output_shape)(const LayerSpec&, SampleShape)) {
    return {name,    output_shape, nullptr, nullptr, nullptr, copy_forward, copy_backward, nullptr,
            nullptr, nullptr,      nullptr, copy_double_backward, nullptr};
}

}  // namespace

const LayerRecord unflatten_record = reshape_record("Unflatten", unflatten_output_shape);
const LayerRecord flatten_record = reshape_record("Flatten", flatten_output_shape);

LayerSpec LayerSpec::unflatten(SampleShape to) {
    LayerSpec s;
    s.kind = &unflatten_record;
    s.in = SampleShape::features(int(to.size()));
    s.out = to;
    return s;
}

LayerSpec LayerSpec::flatten() {
    LayerSpec s;
    s.kind = &flatten_record;
    return s;
}

}  // namespace ganvas
