// eval_command.cpp - `ganvas eval`: how good and how varied a generator's digits are, measured
// with the digit classifier (eval/score.h): FD to the held-out real digits, modes covered, KL of
// the class histogram to uniform, the confident share, the histogram.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "base/hash.h"
#include "base/rng.h"
#include "cli.h"
#include "eval/score.h"
#include "gan/gan.h"
#include "io/checkpoint.h"
#include "io/dataset.h"
#include "io/generator_file.h"

namespace ganvas_cli {

static int fail(const std::string& message) {
    std::fprintf(stderr, "ganvas eval: %s\n", message.c_str());
    return 1;
}

ganvas::Status cli_load_classifier(const std::string& path, ganvas::Classifier* out, uint64_t* file_hash) {
    const std::string where = path.empty() ? GANVAS_DEFAULT_CLASSIFIER : path;
    std::vector<uint8_t> bytes;
    ganvas::Status s = ganvas::file_read_all(where, &bytes);
    if (!s) return ganvas::Status::failure(s.message + " (build it with `ganvas classifier --out FILE`, then pass --classifier FILE)");
    s = ganvas::classifier_load(bytes.data(), bytes.size(), out);
    if (!s) return ganvas::Status::failure("cannot load " + where + ": " + s.message);
    *file_hash = ganvas::hash64(bytes.data(), bytes.size());
    return ganvas::Status::success();
}

void eval_options(CLI::App& command, EvalArgs* args) {
    command.footer("Draws --count digits from a generator - the z of (seed, 0..count-1), the sample grid's, through G in\n"
                   "batches of its config's batch size with BatchNorm on batch statistics - and measures them with the\n"
                   "digit classifier (`ganvas classifier`): FD (Fréchet distance of its 128 penultimate features to the\n"
                   "held-out real digits'; lower is closer), modes (digits with >= 2.5 % of the samples), KL of the class\n"
                   "histogram to uniform (nats; 0 = even, 2.303 = one digit), confident (share with a class probability\n"
                   ">= 0.9). --real measures --count real training digits instead (the floor FD can reach).");
    CLI::Option* checkpoint = command.add_option("--checkpoint", args->checkpoint_path, "a Ganvas checkpoint")
        ->check(CLI::ExistingFile);
    CLI::Option* generator = command.add_option("--generator", args->generator_path,
                                                "a generator file (`ganvas export-generator`, the shipped generator)")
        ->check(CLI::ExistingFile);
    CLI::Option* real = command.add_flag("--real", args->real, "measure real digits (not held out) instead of a generator");
    checkpoint->excludes(generator)->excludes(real);
    generator->excludes(real);
    command.add_option("--classifier", args->classifier_path, "the classifier file (default: the one built with Ganvas)")
        ->check(CLI::ExistingFile);
    command.add_option("--count", args->count, "how many digits")->capture_default_str()->check(CLI::Range(2, 65536));
    command.add_option("--seed", args->seed, "the z seed (default: the model's); with --real, which digits")
        ->check(CLI::Range(0LL, 1LL << 53));
    command.add_option("--data", args->data_path, "with --real: IDX images (default: the built-in digits)")
        ->check(CLI::ExistingFile)->needs(real);
    command.add_flag("--json", args->json, "print one JSON object instead of text");
}

int eval_run(const EvalArgs& args) {
    const int sources = int(!args.checkpoint_path.empty()) + int(!args.generator_path.empty()) + int(args.real);
    if (sources != 1) return cli_usage_error("eval", "needs one of --checkpoint FILE, --generator FILE, --real");
    ganvas::Classifier classifier;
    uint64_t classifier_hash = 0;
    ganvas::Status s = cli_load_classifier(args.classifier_path, &classifier, &classifier_hash);
    if (!s) return fail(s.message);
    std::vector<uint8_t> bytes;

    ganvas::Matrix images(args.count, ganvas::kClassifierPixels);
    nlohmann::ordered_json out;
    std::string what;
    if (args.real) {
        const std::string path = args.data_path.empty() ? GANVAS_DEFAULT_MNIST_IMAGES : args.data_path;
        ganvas::Dataset data;
        s = ganvas::dataset_load_idx(path, "", &data);
        if (!s) return fail("cannot load the digits: " + s.message);
        std::vector<uint32_t> pool = ganvas::classifier_training_indices(data.count);
        if (int(pool.size()) < args.count)
            return fail("--count " + std::to_string(args.count) + " is more than the " + std::to_string(pool.size()) +
                        " digits that are not held out");
        const uint64_t seed = args.seed >= 0 ? uint64_t(args.seed) : 1;
        ganvas::Rng rng(seed, ganvas::kClassifierDataStream);
        ganvas::shuffle_indices(pool.data(), pool.size(), rng);
        ganvas::dataset_gather(data, pool.data(), args.count, ganvas::view_of(images));
        what = std::to_string(args.count) + " real digits of " + path + " (not held out; shuffle seed " + std::to_string(seed) + ")";
        out["source"] = "real";
        out["seed"] = seed;
    } else {
        const std::string& path = args.checkpoint_path.empty() ? args.generator_path : args.checkpoint_path;
        s = ganvas::file_read_all(path, &bytes);
        if (!s) return fail(s.message);
        std::unique_ptr<ganvas::Gan> gan;
        ganvas::GeneratorModel model;
        if (!args.checkpoint_path.empty()) {
            s = ganvas::checkpoint_load_new(bytes.data(), bytes.size(), &gan);
        } else {
            s = ganvas::generator_model_load(bytes.data(), bytes.size(), &model);
        }
        if (!s) return fail("cannot load " + path + ": " + s.message);
        const ganvas::Sequential& g = gan ? gan->sample_generator() : model.generator;
        const int batch = gan ? gan->config().batch_size : model.config.batch_size;
        const int64_t step = gan ? gan->step() : model.step;
        const uint64_t model_seed = gan ? gan->seed() : model.recipe.seed;
        const uint64_t seed = args.seed >= 0 ? uint64_t(args.seed) : model_seed;
        if (g.features_out() != ganvas::kClassifierPixels)
            return fail("the generator draws " + std::to_string(g.features_out()) + " pixels; the classifier reads 28x28 = 784");
        ganvas::eval_generator_images(g, seed, 0, batch < 2 ? 2 : batch, ganvas::view_of(images));
        what = path + " (step " + std::to_string(step) + "): " + std::to_string(args.count) + " samples, z of seed " +
               std::to_string(seed) + " 0.." + std::to_string(args.count - 1) + ", BatchNorm on batch statistics in batches of " +
               std::to_string(batch);
        out["source"] = path;
        out["step"] = step;
        out["seed"] = seed;
        out["batch"] = batch;
    }
    if (!images.allFinite()) return fail("the generator's output is not finite (a diverged model): nothing to measure");

    ganvas::Scorer scorer(classifier);
    const auto start = std::chrono::steady_clock::now();
    const ganvas::EvalScores scores = scorer.score(ganvas::const_view_of(images));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (args.json) {
        out["count"] = scores.count;
        out["fd"] = scores.fd;
        out["modes"] = scores.classes.modes;
        out["kl_uniform"] = scores.classes.kl_uniform;
        out["confident"] = scores.classes.confident;
        out["histogram"] = scores.classes.histogram;
        out["classifier"] = ganvas::hash_hex(classifier_hash);
        out["score_ms"] = ms;
        out["score_gflop"] = 2 * ganvas::score_flops(scores.count) * 1e-9;
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("%s\n", what.c_str());
    std::printf("FD %.2f  modes %d/10  KL %.4f  confident %.3f\n", scores.fd, scores.classes.modes, scores.classes.kl_uniform,
                scores.classes.confident);
    std::printf("histogram");
    for (int c = 0; c < ganvas::kMetricClasses; ++c) std::printf("  %d:%d", c, scores.classes.histogram[size_t(c)]);
    std::printf("\nclassifier %s (held-out accuracy %.4f); scored in %.1f ms, one cold call (%.2f GFLOP)\n", ganvas::hash_hex(classifier_hash).c_str(),
                classifier.held_out_accuracy, ms, 2 * ganvas::score_flops(scores.count) * 1e-9);
    return 0;
}

// [SECTION] eval.csv for `ganvas train --eval-every`

struct EvalLog::State {
    ganvas::Classifier classifier;
    std::unique_ptr<ganvas::Scorer> scorer;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> csv{nullptr, &std::fclose};
    std::string path;
    ganvas::Matrix images{kEvalLogCount, ganvas::kClassifierPixels};
    static constexpr int kEvalLogCount = 2000;
};

EvalLog::EvalLog() = default;
EvalLog::~EvalLog() { delete state_; }

ganvas::Status EvalLog::open(const std::string& csv_path, const std::string& classifier_path) {
    auto state = std::make_unique<State>();
    uint64_t hash = 0;
    ganvas::Status s = cli_load_classifier(classifier_path, &state->classifier, &hash);
    if (!s) return s;
    state->scorer = std::make_unique<ganvas::Scorer>(state->classifier);
    state->csv.reset(std::fopen(csv_path.c_str(), "w"));
    if (!state->csv) return ganvas::Status::failure("cannot create " + csv_path);
    std::fputs("step,fd,modes,kl_uniform,confident,h0,h1,h2,h3,h4,h5,h6,h7,h8,h9\n", state->csv.get());
    state->path = csv_path;
    delete state_;
    state_ = state.release();
    return ganvas::Status::success();
}

ganvas::Status EvalLog::write(long long step, const ganvas::Sequential& generator, uint64_t seed, int batch) {
    if (!state_) return ganvas::Status::failure("EvalLog::write before open");
    ganvas::eval_generator_images(generator, seed, 0, batch < 2 ? 2 : batch, ganvas::view_of(state_->images));
    if (!state_->images.allFinite()) return ganvas::Status::success();  // a diverged G: the loss check reports it
    const ganvas::EvalScores e = state_->scorer->score(ganvas::const_view_of(state_->images));
    std::FILE* f = state_->csv.get();
    std::fprintf(f, "%lld,%.4f,%d,%.5f,%.4f", step, e.fd, e.classes.modes, e.classes.kl_uniform, e.classes.confident);
    for (int h : e.classes.histogram) std::fprintf(f, ",%d", h);
    std::fputc('\n', f);
    std::fflush(f);
    return ganvas::Status::success();
}

}  // namespace ganvas_cli
