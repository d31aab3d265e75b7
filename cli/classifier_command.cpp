// classifier_command.cpp - `ganvas classifier`: train the digit classifier that `ganvas eval` and the
// page's diagnosis measure generated digits with (eval/classifier.h), and write its file.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "base/file_io.h"
#include "base/hash.h"
#include "base/parallel.h"
#include "cli.h"
#include "eval/classifier.h"
#include "io/dataset.h"

namespace ganvas_cli {

static int fail(const std::string& message) {
    std::fprintf(stderr, "ganvas classifier: %s\n", message.c_str());
    return 1;
}

void classifier_options(CLI::App& command, ClassifierArgs* args) {
    command.footer("Trains Linear(784, 512) LeakyReLU Linear(512, 128) LeakyReLU Linear(128, 10) with Adam and softmax\n"
                   "cross-entropy on the labelled digits, holding out every tenth image (i % 10 == 9), with random shifts of\n"
                   "up to 2 pixels; prints the held-out accuracy each epoch and writes the classifier with the held-out\n"
                   "digits' feature statistics (safetensors). Deterministic: the same seed gives the same file on every\n"
                   "platform and thread count.");
    command.add_option("--out", args->out_path, "the classifier file to write (.safetensors)")->required();
    command.add_option("--seed", args->seed, "seeds the weights, the order and the shifts")
        ->capture_default_str()
        ->check(CLI::Range(0LL, 1LL << 53));
    command.add_option("--epochs", args->epochs, "passes over the 9,000 training digits")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    CLI::Option* data = command.add_option("--data", args->data_path, "IDX images (default: the 10,000 MNIST digits built with Ganvas)")
        ->check(CLI::ExistingFile);
    command.add_option("--labels", args->labels_path, "IDX labels of --data")->check(CLI::ExistingFile)->needs(data);
    data->needs("--labels");
    command.add_option("--threads", args->threads, "threads for the matrix products (default: every core); same bits for any count")
        ->check(CLI::Range(1, 1024));
}

int classifier_command_run(const ClassifierArgs& args) {
    const std::string images = args.data_path.empty() ? GANVAS_DEFAULT_MNIST_IMAGES : args.data_path;
    const std::string labels = args.labels_path.empty() ? GANVAS_DEFAULT_MNIST_LABELS : args.labels_path;
    ganvas::Dataset data;
    ganvas::Status s = ganvas::dataset_load_idx(images, labels, &data);
    if (!s) return fail("cannot load the digits: " + s.message);
    const int threads = ganvas::set_threads(args.threads > 0 ? args.threads : ganvas::max_threads());
    ganvas::ClassifierTrainConfig config;
    config.seed = uint64_t(args.seed);
    config.epochs = args.epochs;
    std::printf("training the classifier on %d digits (%zu held out), seed %llu, %d epochs, %d thread%s\n", data.count,
                ganvas::classifier_held_out_indices(data.count).size(), (unsigned long long)config.seed, config.epochs,
                threads, threads == 1 ? "" : "s");
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    ganvas::Classifier classifier;
    s = ganvas::classifier_train(data, config, &classifier, [&](int epoch, double loss, double accuracy) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("epoch %3d  loss %.4f  held-out accuracy %.4f  %.1f s\n", epoch, loss, accuracy, seconds);
        std::fflush(stdout);
    });
    if (!s) return fail(s.message);
    const std::vector<uint8_t> file = ganvas::classifier_serialize(classifier);
    ganvas::Classifier check;  // what every reader will do with it
    s = ganvas::classifier_load(file.data(), file.size(), &check);
    if (!s) return fail("the written classifier does not load back (a bug): " + s.message);
    s = ganvas::file_write_all(args.out_path, file);
    if (!s) return fail(s.message);
    std::printf("held-out accuracy %.4f (%d digits)\n", classifier.held_out_accuracy, classifier.held_out_count);
    std::printf("wrote %s: %zu bytes, weight hash %s, file hash %s\n", args.out_path.c_str(), file.size(),
                ganvas::hash_hex(ganvas::classifier_weight_hash(classifier)).c_str(),
                ganvas::hash_hex(ganvas::hash64(file.data(), file.size())).c_str());
    return 0;
}

}  // namespace ganvas_cli
