// cli.h - the `ganvas` subcommands, their options, and what they share.
//
// One set of rules for every command: CLI11 (Debian's libcli11-dev). Each command has an
// options struct, a function that declares its options on a CLI::App (the `ganvas` subcommand,
// or the whole app for the wasm build's standalone ganvas_bench.js) and a run function.
// Parsing never exits: cli_parse returns the exit code to use when the program should stop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/image.h"
#include "base/status.h"

namespace ganvas {
struct Sequential;
struct Classifier;
class Gan;
struct StepStats;
}

namespace CLI {
class App;
class Option;
}

namespace ganvas_cli {

// [SECTION] Commands

struct TrainArgs {
    std::string preset = "seed";
    long long steps = 3000;
    long long seed = 1;
    std::string out_dir;    // default runs/<preset>-<seed>
    std::string data_path;  // default: the MNIST images built with Ganvas
    std::string labels_path;  // optional IDX labels for data_path (checked: count, classes 0-9)
    std::string config_path;             // --config FILE: JSON read onto the preset
    std::vector<std::string> sets;       // --set KEY=VALUE, applied in order after --config
    std::string recipe_path;             // --recipe FILE: config, seed and timeline (instead of the above)
    std::vector<std::string> changes;    // --change STEP:KEY=VALUE, added to the recipe's timeline
    int threads = 0;                     // 0: every core (max_threads())
    long long eval_every = 0;            // --eval-every K: eval.csv every K steps (0: off)
    std::string classifier_path;         // --classifier FILE for it (default: the built one)
    bool remedy_at_alert = false;        // --remedy-at-alert: the page's diagnosis; apply each alert's remedy
};
void train_options(CLI::App& command, TrainArgs* args);
int train_run(const TrainArgs& args);

struct SampleArgs {
    std::string checkpoint_path, z_path, png_path, raw_path, bn = "eval";
    std::string link;       // --link URL: draw the link's digit (cli/link_command.cpp)
    std::string data_path;  // with --link: the images its model trained on (default: the built-in digits)
    long long seed = -1;   // -1: the checkpoint's
    long long count = -1;  // -1: 64
};
void sample_options(CLI::App& command, SampleArgs* args);
int sample_run(const SampleArgs& args);
int sample_link_run(const SampleArgs& args);  // sample_run with --link

struct LinkArgs {
    std::string checkpoint_path, recipe_path, data_path, z_path, slerp, grid_seed, base;
    long long steps = -1;             // with --recipe
    long long z_seed = -1, z_index = -1;
    std::string bn = "batch";
    long long batch_seed = -1;        // -1: the model's seed
    int batch_count = 64;
    long long row = -1;               // -1: the z index when it is in the batch, else 0
    const CLI::Option* grid_option = nullptr;  // --grid given (its SEED is optional)
};
void link_options(CLI::App& command, LinkArgs* args);
int link_run(const LinkArgs& args);

struct ExportArgs {
    std::string checkpoint_path, data_path, out_path, json_path;
};
void export_options(CLI::App& command, ExportArgs* args);
int export_run(const ExportArgs& args);

struct BenchArgs {
    bool json = false;
    std::string preset = "seed";
    std::vector<int> batches = {64, 32, 128, 256};
    std::vector<int> threads;  // empty: 1, and every core if more than one
    int trials = 7;
    int steps = 10;
    std::string data_path;
};
void bench_options(CLI::App& command, BenchArgs* args);
int bench_run(const BenchArgs& args);

struct ClassifierArgs {
    std::string out_path, data_path, labels_path;
    long long seed = 1;
    int epochs = 30;
    int threads = 0;  // 0: every core
};
void classifier_options(CLI::App& command, ClassifierArgs* args);
int classifier_command_run(const ClassifierArgs& args);

struct EvalArgs {
    std::string checkpoint_path, generator_path, classifier_path, data_path;
    bool real = false;   // --real: real digits instead of a generator
    bool json = false;
    int count = 2000;
    long long seed = -1; // -1: the model's (with --real: 1)
};
void eval_options(CLI::App& command, EvalArgs* args);
int eval_run(const EvalArgs& args);

// `ganvas train --eval-every K`: eval.csv, one row of `ganvas eval`'s measures (2,000 samples, the
// grid's z) per K steps. Opening loads the classifier and writes the header.
class EvalLog {
public:
    EvalLog();
    ~EvalLog();
    ganvas::Status open(const std::string& csv_path, const std::string& classifier_path);  // "" = the built one
    // Scores `generator` (the z of `seed`, batches of `batch`) and appends the row for `step`.
    ganvas::Status write(long long step, const ganvas::Sequential& generator, uint64_t seed, int batch);

private:
    struct State;
    State* state_ = nullptr;
};

// `ganvas train --remedy-at-alert` (alert_watch.cpp): the page's live diagnosis every
// kDiagnosisIntervalSteps steps (eval/alerts.h); the first alert of each kind that offers a remedy
// has it applied to the running training at that step, and printed.
class AlertWatch {
public:
    AlertWatch();
    ~AlertWatch();
    ganvas::Status open(const std::string& classifier_path);  // "" = the built one
    // After every step: scores and checks the alerts when a point is due; a remedy that the
    // training refuses is an error.
    ganvas::Status after_step(ganvas::Gan* gan, const ganvas::StepStats& stats, uint64_t seed);

private:
    struct State;
    State* state_ = nullptr;
};

// [SECTION] Shared

// The classifier at `path` ("" = the one built with Ganvas) and its file hash.
ganvas::Status cli_load_classifier(const std::string& path, ganvas::Classifier* out, uint64_t* file_hash);

// Parses the command line with `app`: -1 to go on, or the exit code to return now (0 after
// --help, 2 after a usage error; the help or the error is printed).
int cli_parse(CLI::App& app, int argc, char** argv);
// Prints "ganvas <command>: <message>" and a pointer to --help; returns 2 (a usage error).
int cli_usage_error(const std::string& command, const std::string& message);

ganvas::Status png_write_grey(const std::string& path, const ganvas::GreyImage& image, int scale);

}  // namespace ganvas_cli
