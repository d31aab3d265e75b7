// session.h - one training run without a window: the model, its digits, what it has done, and
// the commands that change it.
//
// No GL, no ImGui, no SDL: a Session builds and runs anywhere the core does, so its scheduling
// is unit-tested (tests/test_session.cpp). What it holds:
//   how a run starts            SessionConfig (data files, preset, seed, threads); the run itself
//                               is the model's recipe (Gan::recipe(): config, seed, changes)
//   the model and the data      a ganvas::Gan and the MNIST Dataset
//   the history                 D/G loss, D(x), D(G(z)) per step, bounded (TrainingHistory)
//   the grid                    64 z of (the model's seed, 0..63) (gan/streams.h: the same z as
//                               `ganvas sample --seed S`), G(z) on the CPU, and 64 real digits
//   messages and status         the status line: an error (a divergence, missing digits) and a
//                               message (a checkpoint saved, loaded or refused)
// Commands (start, pause, reset, step N, threads, checkpoints, ...) are values (SessionCommand)
// and Session::apply() is the one place they take effect. Who calls apply(), and when training
// runs between commands, is the Driver's business (driver.h): on a trainer thread or in frame
// slices. While the Driver trains on another thread, the model is the trainer's: apply() and
// the "driver side" functions below are then called only with the trainer parked, and the
// const side (status(), history(), samples()...) never touches the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "gan/gan.h"
#include "io/dataset.h"
#include "io/image.h"
#include "nn/tensor.h"

namespace ganvas {

// [SECTION] Constants and the run's config

// File names of the MNIST digits (assets/CMakeLists.txt writes them into the build's assets dir).
constexpr const char* kMnistImagesFile = "mnist10k-images-idx3-ubyte";
constexpr const char* kMnistLabelsFile = "mnist10k-labels-idx1-ubyte";
// Sample grids: 8 x 8 digits of 28 x 28 pixels, 1-pixel gutters.
constexpr int kGridColumns = 8;
constexpr int kGridCount = kGridColumns * kGridColumns;
constexpr int kDigitSide = 28;
constexpr int kGridGutter = 1;
// Points each history series keeps (then neighbours are averaged in pairs).
constexpr int kHistoryCapacity = 1024;

// How a session starts: where the digits are, which preset, which seed, how many threads. The
// run that follows is the model's recipe (Gan::recipe(), stored in its checkpoints): a loaded
// checkpoint brings its own, with any settings changed along the way.
struct SessionConfig {
    std::string images_path, labels_path;  // IDX files
    std::string preset = "seed";           // ganvas::gan_config_preset name
    std::vector<std::string> sets;         // "key=value" settings applied onto the preset (gan/settings.h)
    uint64_t seed = 1;
    int threads = 0;  // threads a training step uses (core/base/parallel.h); 0: session_default_threads()
};

// The config for the standard MNIST file names inside `dir`.
SessionConfig session_config_for_assets_dir(const std::string& dir);

// The default thread count for training: every core, but one is left for drawing when the
// trainer has a thread of its own (TrainerThread::available()).
int session_default_threads();

// [SECTION] History

// Per-step series, bounded: when `capacity` points are stored, neighbours are averaged in
// pairs and each point then stands for twice as many steps. Memory never grows past capacity.
class TrainingHistory {
public:
    explicit TrainingHistory(int capacity = kHistoryCapacity);  // even, >= 2
    void add(const StepStats& stats);
    void clear();
    const std::vector<float>& d_loss() const { return series_[0]; }
    const std::vector<float>& g_loss() const { return series_[1]; }
    const std::vector<float>& d_real() const { return series_[2]; }  // mean D(x)
    const std::vector<float>& d_fake() const { return series_[3]; }  // mean D(G(z))
    int steps_per_point() const { return stride_; }
    int capacity() const { return capacity_; }

private:
    static constexpr int kSeries = 4;
    int capacity_;
    int stride_ = 1, pending_ = 0;
    double sums_[kSeries] = {};
    std::vector<float> series_[kSeries];
};

// [SECTION] Commands

namespace command {
struct Start {};                   // train (the Driver decides where) until Pause
struct Pause {};                   // stop after the current part of a step
struct Reset {};                   // a fresh model from the config's seed, paused at step 0
struct Step {                      // train `count` whole iterations now, on the applying thread
    int64_t count = 1;             // (a begun iteration counts as one); running stays as it was
};
struct SetThreads {                // threads a step uses, clamped to 1 .. max_threads()
    int count = 1;
};
struct SaveCheckpoint {};          // the model's checkpoint bytes -> Session::saved_checkpoint()
struct LoadCheckpoint {            // replaces the model (config, weights, optimiser, streams,
    std::vector<uint8_t> bytes;    // step), pauses; a bad file keeps everything and says why
};
struct RefreshSamples {};          // G(grid z) of the model as it is now -> samples()
struct ShowMessage {               // a line under the status line (e.g. where a file went)
    std::string text;
    bool is_error = false;
};
}  // namespace command

using SessionCommand = std::variant<command::Start, command::Pause, command::Reset, command::Step,
                                    command::SetThreads, command::SaveCheckpoint, command::LoadCheckpoint,
                                    command::RefreshSamples, command::ShowMessage>;

// [SECTION] Status

struct SessionStatus {
    int64_t step = 0, epoch = 0;
    StepStats last;               // the last completed iteration (losses, D(x), D(G(z)))
    int threads = 1;              // threads training uses now
    int max_threads = 1;          // the most this build offers: every core, or 1 without threads
    bool running = false;
    bool ready = false;           // data loaded and the model built: Start can train
    std::string error;            // what went wrong, for people; empty when all is well
    // The last checkpoint save/load outcome ("Loaded checkpoint: step N", or why a file was
    // refused); cleared by Start and Reset.
    std::string message;
    bool message_is_error = false;
};

// [SECTION] Session

class Session {
public:
    // Loads the data and builds the model; failures end up in status().error, never a crash.
    explicit Session(const SessionConfig& config);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // The one place commands take effect. Returns the command's outcome (a refused checkpoint,
    // a Start without data...); failures also show in status(). With a Driver on a trainer
    // thread: only while the trainer is parked (Driver does that).
    Status apply(const SessionCommand& command);

    // [SECTION] The const side: safe while a trainer thread owns the model.
    SessionStatus status() const;
    bool running() const { return running_; }
    int64_t step() const { return gan_ ? step_ : 0; }  // as status().step, without the copies
    bool ready() const { return data_ok_ && gan_ != nullptr; }
    bool has_model() const { return gan_ != nullptr; }  // false only when the preset was refused
    const SessionConfig& config() const { return config_; }
    const GanConfig& gan_config() const { return gan_config_; }
    const std::string& preset_label() const { return preset_label_; }  // or "from checkpoint"
    uint64_t model_seed() const { return model_seed_; }
    int digit_count() const { return data_.count; }
    const TrainingHistory& history() const { return history_; }
    const Matrix& grid_z() const { return grid_z_; }      // (64, latent)
    const Matrix& samples() const { return samples_; }    // (64, 784) G(grid_z) in [-1, 1]
    // Grows whenever samples() changes (for texture uploads).
    uint64_t samples_version() const { return samples_version_; }
    const GreyImage& real_digits() const { return real_grid_; }  // empty without data
    // Grows whenever the model is replaced (Reset, a load): a trainer must be re-attached.
    uint64_t model_version() const { return model_version_; }
    // The bytes of the last SaveCheckpoint (empty when there was no model).
    const std::vector<uint8_t>& saved_checkpoint() const { return saved_checkpoint_; }

    // [SECTION] The driver side: only while no other thread trains.
    Gan* model() { return gan_.get(); }
    const Dataset& data() const { return data_; }
    // One part of an iteration (Gan::train_part); returns true when it completed one, which
    // is then recorded (history, divergence). Needs ready().
    bool train_part();
    // An iteration finished elsewhere (the trainer thread): history, last stats, divergence.
    // Returns false when it diverged (a loss is not finite): the session is then paused.
    bool record_iteration(const StepStats& stats);
    // What status() shows as step and epoch while the model is the trainer's.
    void note_progress(int64_t step, int64_t epoch);
    // samples() was written by someone else (the trainer's sample buffer swapped in).
    Matrix& samples_buffer() { return samples_; }
    void mark_samples_fresh() { ++samples_version_; preview_dirty_ = false; }
    // True when the grid no longer shows the model (reset, load, a pause mid-step): the driver
    // refreshes it at the next chance.
    bool preview_dirty() const { return preview_dirty_; }

private:
    Status start();
    void pause();
    void reset();
    Status step(int64_t count);
    Status save_checkpoint();
    Status load_checkpoint(const std::vector<uint8_t>& bytes);
    void refresh_samples();
    void finish_iteration();
    void adopt_model(std::unique_ptr<Gan> gan);  // fresh grid z, cleared history
    void show_message(std::string text, bool is_error);

    SessionConfig config_;
    GanConfig gan_config_;
    std::string preset_label_;
    std::unique_ptr<Gan> gan_;
    uint64_t model_seed_ = 0;
    Dataset data_;
    bool data_ok_ = false;
    std::string error_, message_;
    bool message_is_error_ = false;

    bool running_ = false;
    int64_t step_ = 0, epoch_ = 0;  // the model's, mirrored (see note_progress)
    StepStats last_;
    TrainingHistory history_;

    Matrix grid_z_;   // (64, latent)
    Matrix samples_;  // (64, 784)
    uint64_t samples_version_ = 0, model_version_ = 0;
    bool preview_dirty_ = true;
    GreyImage real_grid_;
    std::vector<uint8_t> saved_checkpoint_;
};

}  // namespace ganvas
