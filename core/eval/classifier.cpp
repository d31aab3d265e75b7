// classifier.cpp - the digit classifier: network, training, running it. See classifier.h.
// (Its file: classifier_file.cpp.)
#include "eval/classifier.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "base/hash.h"
#include "base/rng.h"
#include "io/link.h"
#include "nn/adam.h"
#include "nn/loss.h"

namespace ganvas {

namespace {

constexpr float kSlope = 0.01f;
constexpr int kHidden = 512;
constexpr int kRunBatch = 1000;  // classifier_run's largest forward

// Shifts one 28x28 image (row-major floats) by (dx, dy) pixels in place: out(y, x) = in(y - dy,
// x - dx), background (-1, a 0 pixel) where that falls outside.
void shift_image(float* image, int dx, int dy) {
    constexpr int side = 28;
    float copy[side * side];
    std::memcpy(copy, image, sizeof copy);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int sy = y - dy, sx = x - dx;
            image[y * side + x] = (sy >= 0 && sy < side && sx >= 0 && sx < side) ? copy[sy * side + sx] : -1.0f;
        }
}

Status check_data(const Dataset& data) {
    if (data.rows != 28 || data.cols != 28)
        return Status::failure("the classifier reads 28x28 images; these are " + std::to_string(data.rows) + "x" +
                               std::to_string(data.cols));
    if (data.labels.size() != size_t(data.count))
        return Status::failure("the classifier trains on labelled digits: give the labels file too");
    if (data.count < 2 * kClassifierHeldOutEvery)
        return Status::failure("the classifier needs at least " + std::to_string(2 * kClassifierHeldOutEvery) +
                               " images; there are " + std::to_string(data.count));
    for (int i = 0; i < data.count; ++i)
        if (data.labels[size_t(i)] >= kClassifierClasses)
            return Status::failure("label " + std::to_string(data.labels[size_t(i)]) + " of image " + std::to_string(i) +
                                   " is not a digit 0-9");
    return Status::success();
}

Status check_config(const ClassifierTrainConfig& c) {
    if (c.epochs < 1 || c.epochs > 1000) return Status::failure("epochs must be 1-1000, not " + std::to_string(c.epochs));
    if (c.batch < 1 || c.batch > 4096) return Status::failure("batch must be 1-4096, not " + std::to_string(c.batch));
    if (c.max_shift < 0 || c.max_shift > 8)
        return Status::failure("max_shift must be 0-8 pixels, not " + std::to_string(c.max_shift));
    if (!(c.lr > 0.0f && c.lr < 1.0f)) return Status::failure("lr must be in (0, 1), not " + std::to_string(c.lr));
    return Status::success();
}

}  // namespace

std::vector<LayerSpec> classifier_specs() {
    return {LayerSpec::linear(kClassifierPixels, kHidden), LayerSpec::leaky_relu(kSlope),
            LayerSpec::linear(kHidden, kClassifierFeatures), LayerSpec::leaky_relu(kSlope),
            LayerSpec::linear(kClassifierFeatures, kClassifierClasses)};
}

const char* classifier_architecture() {
    return "Linear(784, 512) LeakyReLU(0.01) Linear(512, 128) LeakyReLU(0.01) Linear(128, 10)";
}

std::vector<uint32_t> classifier_held_out_indices(int count) {
    std::vector<uint32_t> out;
    for (int i = 0; i < count; ++i)
        if (classifier_held_out(i)) out.push_back(uint32_t(i));
    return out;
}

std::vector<uint32_t> classifier_training_indices(int count) {
    std::vector<uint32_t> out;
    for (int i = 0; i < count; ++i)
        if (!classifier_held_out(i)) out.push_back(uint32_t(i));
    return out;
}

Status classifier_train(const Dataset& data, const ClassifierTrainConfig& config, Classifier* out,
                        const ClassifierProgress& progress) {
    Status s = check_data(data);
    if (!s) return s;
    s = check_config(config);
    if (!s) return s;
    std::vector<uint32_t> order = classifier_training_indices(data.count);
    const int batch = std::min(config.batch, int(order.size()));
    const int batches = int(order.size()) / batch;  // the last partial batch is dropped

    Classifier c;
    c.trained_with = config;
    c.data_hash = dataset_content_hash(data);
    Rng init(config.seed, kClassifierInitStream), shuffle(config.seed, kClassifierDataStream),
        shifts(config.seed, kClassifierShiftStream);
    sequential_init_default(c.net, init);
    AdamState adam;
    adam.reset(c.net.params.size());
    AdamConfig adam_config{config.lr, 0.9f, 0.999f, 1e-8f};
    SequentialCache cache;
    Matrix x(batch, kClassifierPixels), d_logits(batch, kClassifierClasses);
    std::vector<uint8_t> labels(static_cast<size_t>(batch));
    const uint32_t shift_span = uint32_t(2 * config.max_shift + 1);
    const std::vector<uint32_t> held_out = classifier_held_out_indices(data.count);

    for (int epoch = 0; epoch < config.epochs; ++epoch) {
        // Linear decay to lr / epochs in the last epoch: only + * /, the same bits everywhere.
        adam_config.lr = float(double(config.lr) * double(config.epochs - epoch) / double(config.epochs));
        shuffle_indices(order.data(), order.size(), shuffle);
        double loss_sum = 0;
        for (int b = 0; b < batches; ++b) {
            const uint32_t* picked = order.data() + size_t(b) * batch;
            dataset_gather(data, picked, batch, view_of(x));
            for (int r = 0; r < batch; ++r) {
                labels[size_t(r)] = data.labels[picked[r]];
                if (config.max_shift == 0) continue;
                const int dx = int(shifts.below(shift_span)) - config.max_shift;
                const int dy = int(shifts.below(shift_span)) - config.max_shift;
                shift_image(x.data() + size_t(r) * kClassifierPixels, dx, dy);
            }
            c.net.zero_grads();
            const ConstMatrixView logits = sequential_forward(c.net, cache, const_view_of(x), BatchNormMode::Train);
            loss_sum += softmax_cross_entropy(logits.data(), batch, kClassifierClasses, labels.data(), d_logits.data(), 1.0f);
            sequential_backward(c.net, cache, const_view_of(d_logits), true, false);
            adam_step(adam, adam_config, c.net.params.data(), c.net.grads.data(), c.net.params.size());
        }
        if (progress) progress(epoch + 1, loss_sum / batches, classifier_accuracy(c, data, held_out));
    }
    c.held_out_accuracy = classifier_accuracy(c, data, held_out);
    c.held_out_count = int(held_out.size());
    Matrix images(long(held_out.size()), kClassifierPixels);
    dataset_gather(data, held_out.data(), int(held_out.size()), view_of(images));
    ClassifierOutputs outputs;
    classifier_run(c, cache, const_view_of(images), &outputs);
    c.reference = feature_stats(const_view_of(outputs.features));
    *out = std::move(c);
    return Status::success();
}

void classifier_run(const Classifier& c, SequentialCache& cache, ConstMatrixView images, ClassifierOutputs* out) {
    assert(images.cols() == kClassifierPixels && "classifier_run: images are (N, 784)");
    const long n = long(images.rows());
    out->features.resize(n, kClassifierFeatures);
    out->probs.resize(n, kClassifierClasses);
    for (long first = 0; first < n; first += kRunBatch) {
        const long rows = std::min<long>(kRunBatch, n - first);
        const ConstMatrixView chunk(images.data() + size_t(first) * kClassifierPixels, rows, kClassifierPixels);
        const ConstMatrixView logits = sequential_infer(c.net, cache, chunk, BatchNormMode::Eval);
        std::memcpy(out->features.data() + size_t(first) * kClassifierFeatures, cache.output(kClassifierFeatureLayer),
                    size_t(rows) * kClassifierFeatures * sizeof(float));
        softmax_rows(logits.data(), int(rows), kClassifierClasses, out->probs.data() + size_t(first) * kClassifierClasses);
    }
}

double classifier_accuracy(const Classifier& c, const Dataset& data, const std::vector<uint32_t>& indices) {
    if (indices.empty()) return 0;
    SequentialCache cache;
    int right = 0;
    Matrix images;
    for (size_t first = 0; first < indices.size(); first += kRunBatch) {
        const int rows = int(std::min<size_t>(kRunBatch, indices.size() - first));
        images.resize(rows, kClassifierPixels);
        dataset_gather(data, indices.data() + first, rows, view_of(images));
        const ConstMatrixView logits = sequential_infer(c.net, cache, const_view_of(images), BatchNormMode::Eval);
        for (int r = 0; r < rows; ++r) {
            int best = 0;
            for (int k = 1; k < kClassifierClasses; ++k)
                if (logits(r, k) > logits(r, best)) best = k;
            if (best == data.labels[indices[first + size_t(r)]]) ++right;
        }
    }
    return double(right) / double(indices.size());
}

uint64_t classifier_weight_hash(const Classifier& c) {
    return hash64(c.net.params.data(), c.net.params.size() * sizeof(float));
}

}  // namespace ganvas
