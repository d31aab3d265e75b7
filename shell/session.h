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
//   the digit (explorer)        one selected z and its BatchNorm context (a share link's LinkZ and
//                               LinkBatchNorm), drawn on the UI thread from a SNAPSHOT of G: a copy
//                               of its weights and statistics taken with every grid refresh (here,
//                               or by the trainer thread with its samples), so drawing it never
//                               races training; its share link names the snapshot's step and hash
//   links                       OpenLink shows a link's digit at once when the model is the link's,
//                               else resets to the link's recipe and rebuilds it (trains to its
//                               step at full speed, no grid refreshes), then checks the weight hash
//   divergence                  a step whose loss is not finite or explodes (gan/snapshot.h says
//                               what that means), or a snapshot whose weights are, pauses the run
//                               and rolls it back to the last good in-memory snapshot (see
//                               "Divergence" below); the status line says what happened and what
//                               to try, the Diagnosis window offers the remedy (shell/diagnosis.h)
//   explore-only models         LoadGenerator: a generator file's G alone (no D, no optimiser):
//                               drawn in the grid and the explorer, never trained
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
#include "gan/snapshot.h"
#include "io/dataset.h"
#include "io/image.h"
#include "io/link.h"
#include "nn/tensor.h"

namespace ganvas {

// [SECTION] Constants and the run's config

// File names of the MNIST digits (assets/CMakeLists.txt writes them into the build's assets dir).
constexpr const char* kMnistImagesFile = "mnist10k-images-idx3-ubyte";
constexpr const char* kMnistLabelsFile = "mnist10k-labels-idx1-ubyte";
// The digit classifier (eval/classifier.h) the diagnosis scores with (shell/diagnosis.h).
constexpr const char* kClassifierFile = "classifier.safetensors";
// Sample grids: 8 x 8 digits of 28 x 28 pixels, 1-pixel gutters.
constexpr int kGridColumns = 8;
constexpr int kGridCount = kGridColumns * kGridColumns;
constexpr int kDigitSide = 28;
constexpr int kGridGutter = 1;
// Why Start and Step refuse an explore-only generator (command::LoadGenerator).
constexpr const char* kExploreOnlyRefusal = "An explore-only generator: Reset starts a run of your own.";
// Points each history series keeps (then neighbours are averaged in pairs).
constexpr int kHistoryCapacity = 1024;
// Divergence. The session keeps a ring of two in-memory snapshots (gan/snapshot.h: G, D, both
// Adam states, streams, step, recipe) with the loss history of their step. One is taken
//   - at Reset and at a load (step 0 or the checkpoint's step),
//   - just before a live setting changes (ChangeSetting: the change that blows a run up is then
//     undone by the rollback),
//   - while training, when the Driver asks (with the grid refresh, at most every
//     kSnapshotIntervalSeconds) and at least kSnapshotIntervalSteps after the last one, at the end
//     of an iteration: a copy of ~2 M parameters x 3 (weights, Adam's m and v), a few ms natively
//     every 2 s or more: ~9 ms against a ~20 ms seed step, under 0.5 % of training time (README,
//     "Divergence never loses the run"; measured by tests/test_snapshot.cpp "[.cost]").
// When a step diverges the session pauses and restores the newest snapshot, or the older one when
// the newest is less than kRollbackMarginSteps before the divergence with the same recipe (the
// same settings blew it up that soon: it was probably already on its way). The history becomes the
// snapshot's (the losses of the steps it undid are gone with them), the recipe too (a change
// recorded after it is undone: the timeline says what produced the weights, so a link replays).
constexpr double kSnapshotIntervalSeconds = 2.0;
constexpr int64_t kSnapshotIntervalSteps = 100;
constexpr int64_t kRollbackMarginSteps = 20;

// How a session starts: where the digits are, which preset, which seed, how many threads. The
// run that follows is the model's recipe (Gan::recipe(), stored in its checkpoints): a loaded
// checkpoint brings its own, with any settings changed along the way.
struct SessionConfig {
    std::string images_path, labels_path;  // IDX files
    std::string preset = "seed";           // ganvas::gan_config_preset name
    std::vector<std::string> sets;         // "key=value" settings applied onto the preset (gan/settings.h)
    uint64_t seed = 1;
    int threads = 0;  // threads a training step uses (core/base/parallel.h); 0: session_default_threads()
    // The digit classifier the diagnosis scores with (eval/classifier.h; shell/diagnosis.h), read
    // when the diagnosis first needs it; "" where the platform fetches it instead (the page).
    std::string classifier_path;
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
    int pending_steps() const { return pending_; }  // steps added since the last point (not in it yet)
    int capacity() const { return capacity_; }

    // The whole history as JSON text, for a run the page keeps in the browser with its
    // checkpoint (web/ganvas_api.js): {"format":"ganvas-history","version":1,"step":`step`,
    // "capacity","stride","pending","sums" (the pending sums' float64 bits as 16 hex digits, so
    // the next point averages exactly as it would have),"d_loss","g_loss","d_real","d_fake"}; a
    // non-finite value is written as "nan", "inf" or "-inf".
    std::string to_json(int64_t step) const;
    // Replaces the history by a to_json() text of a model at `step`; anything malformed, of
    // another capacity or another step is refused with the reason and the history stays.
    Status from_json(const std::string& text, int64_t step);

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
struct Reset {                     // a fresh model from the config's seed, paused at step 0;
    // with settings: key -> text (the Settings window's staged reset-only ones), the new run's
    // config is the live one with them applied; a refused value keeps the run and says why
    std::vector<std::pair<std::string, std::string>> settings;
};
struct Step {                      // train `count` whole iterations now, on the applying thread
    int64_t count = 1;             // (a begun iteration counts as one); running stays as it was
};
struct SetThreads {                // threads a step uses, clamped to 1 .. max_threads()
    int count = 1;
};
struct SaveCheckpoint {};          // the model's checkpoint bytes -> Session::saved_checkpoint()
struct LoadCheckpoint {            // replaces the model (config, weights, optimiser, streams,
    std::vector<uint8_t> bytes;    // step), pauses; a bad file keeps everything and says why
    std::string history;           // TrainingHistory::to_json() of that step, or "" (a fresh history)
};
struct RefreshSamples {};          // G(grid z) of the model as it is now -> samples()
struct ShowMessage {               // a line under the status line (e.g. where a file went)
    std::string text;
    bool is_error = false;
};
struct SelectSample {              // grid cell -> the digit: z = s:<grid seed>:<index>,
    int index = 0;                 // bn = batch:<grid seed>:64:<index> (the cell's exact pixels)
};
struct SetDigit {                  // an edited / interpolated digit (refused if invalid: z of
    LinkZ z;                       // another length, a non-finite value, t outside [0, 1],
    LinkBatchNorm bn;              // row >= count)
};
struct OpenLink {                  // a URL or fragment: parsed strictly (a refusal keeps the run);
    std::string text;              // shown at once when the model is the link's (recipe, step,
};                                 // weight hash), else reset to its recipe and rebuilt
struct LoadGenerator {             // a generator file (io/generator_file.h): an explore-only
    std::vector<uint8_t> bytes;    // model (Start refused with the reason; Reset leaves it)
};
struct ChangeSetting {             // a live setting from the next iteration on (Gan::change_setting:
    std::string key, text;         // recorded in the recipe, so links and checkpoints replay it);
};                                 // a begun iteration is finished first; reset-only keys refused
struct SetPreset {                 // the preset picker: the session's preset (gan_config_preset)
    std::string name;              // becomes `name` (its --set changes dropped) and a Reset builds
};                                 // a fresh model of it, paused at step 0; unknown names refused

struct StepAlone {                 // one D ('d') or one G ('g') update alone (Gan::train_alone:
    char kind = 'd';               // recorded in the recipe); a begun iteration is finished first
};
struct LoadData {                  // the user's IDX images (gzip or not; natively through zlib) and
    std::vector<uint8_t> images;   // optional labels: 28x28 grey only, at least one batch; on success
    std::vector<uint8_t> labels;   // a fresh model trains on them (paused at step 0), a refusal keeps
    std::string name;              // data and run and says why ("train-images-idx3-ubyte.gz", for messages)
};

}  // namespace command

using SessionCommand = std::variant<command::Start, command::Pause, command::Reset, command::Step,
                                    command::SetThreads, command::SaveCheckpoint, command::LoadCheckpoint,
                                    command::RefreshSamples, command::ShowMessage, command::SelectSample,
                                    command::SetDigit, command::OpenLink, command::LoadGenerator,
                                    command::ChangeSetting, command::SetPreset, command::StepAlone,
                                    command::LoadData>;

// [SECTION] Status

// A link's model being rebuilt (OpenLink): `done` of `target` iterations, the rest's time at
// the measured rate (0 until there is one).
struct RebuildStatus {
    bool active = false;
    int64_t target = 0, done = 0;
    double eta_seconds = 0;
};

// The explorer's digit and the last OpenLink.
struct DigitStatus {
    bool selected = false;
    std::string link;           // the digit's fragment ("ganvas=1&..."), empty when not shareable
    std::string share_refusal;  // why there is no link (a foreign checkpoint...), else empty
    std::string link_state;     // "", "rebuilding", "shown", "mismatch", "refused"
    std::string link_message;   // what happened to the last OpenLink, for people
};

// The last rollback (see "Divergence" above); count 0: none yet in this session.
struct RollbackStatus {
    int64_t count = 0;
    int64_t diverged_step = 0;  // the step that diverged
    int64_t restored_step = 0;  // the snapshot's step the model is back at
    std::string reason;         // "the D loss is not finite", "G's weights passed 1e+03"
    std::string undone;         // the settings changes it undid: "adam_d.lr=1.0, adam_g.lr=1.0" ("" none)
    int64_t snapshot_step = -1; // the newest good snapshot now (-1: none)
};

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
    bool explore_only = false;    // the model is a generator file's G: it cannot train
    std::string preset;           // the session's preset (SessionConfig::preset, SetPreset)
    std::string data_name;        // the images: "the built-in digits", or command::LoadData's name
    int data_count = 0;           // how many (0: none loaded)
    bool data_labels = false;     // with labels
    uint64_t data_hash = 0;       // dataset_content_hash (0: none loaded)
    int64_t lone_d = 0, lone_g = 0;  // lone D / G updates so far (Step D / Step G)
    RebuildStatus rebuild;
    DigitStatus digit;
    RollbackStatus rollback;
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
    // The config training uses now: the recipe's at the current step (with every ChangeSetting).
    // Safe while the trainer runs: the recipe only changes in apply().
    GanConfig live_config() const;
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

    // [SECTION] The digit and links (the UI thread's: the snapshot is never the trainer's)
    // The generator as of the last grid refresh (weights and running statistics; no gradients)
    // and the step it is of; snapshot_version() grows with every new one.
    const Sequential& snapshot() const { return snapshot_; }
    int64_t snapshot_step() const { return snapshot_step_; }
    uint64_t snapshot_version() const { return snapshot_version_; }
    bool digit_selected() const { return digit_selected_; }
    const LinkZ& digit_z() const { return digit_.z; }
    const LinkBatchNorm& digit_bn() const { return digit_.bn; }
    const std::vector<float>& digit_z_values() const { return digit_z_values_; }  // latent_dim
    const std::vector<float>& digit_pixels() const { return digit_pixels_; }      // 784 in [-1, 1]
    // Grows whenever digit_pixels() changes (for texture uploads).
    uint64_t digit_version() const { return digit_version_; }
    // The link to the whole grid ("" when the model is not shareable: status().digit.share_refusal).
    std::string grid_link() const;
    // The last OpenLink's link (parsed), or null.
    const ShareLink* opened_link() const { return opened_link_.get(); }
    // The content hash of the session's digits (dataset_content_hash), computed once at load.
    uint64_t data_hash() const { return data_hash_; }
    // What the data is, for people: "the built-in digits", or the file name command::LoadData gave.
    const std::string& data_name() const { return data_name_; }
    // Grows whenever the images change (command::LoadData), for the real-digit texture.
    uint64_t data_version() const { return data_version_; }
    // Draws z (one per entry) in the BatchNorm context bn with the snapshot: (zs.size(), 784).
    // For the explorer's interpolation strip. Refused when bn or a z does not fit the model.
    Status render_digits(const std::vector<LinkZ>& zs, const LinkBatchNorm& bn, std::vector<float>* pixels);
    bool rebuilding() const { return rebuild_target_ >= 0; }
    int64_t rebuild_target() const { return rebuild_target_; }
    // The driver's measured iteration rate, for the rebuild's ETA.
    void note_rate(double iters_per_sec) { rate_ = iters_per_sec; }
    // The rebuild reached its target (driver side, the model parked): check the weight hash
    // and show the link's digit, or say it differs.
    void finish_rebuild();
    bool explore_only() const { return explore_ != nullptr; }
    uint64_t snapshot_hash() const;  // generator_weight_hash(snapshot()), cached

    // [SECTION] The driver side: only while no other thread trains.
    Gan* model() { return gan_.get(); }
    const Dataset& data() const { return data_; }
    // One part of an iteration (Gan::train_part); returns true when it completed one, which
    // is then recorded (history, divergence) and followed by a snapshot when one is wanted.
    // Needs ready().
    bool train_part();
    // An iteration finished here or elsewhere (the trainer thread): history, last stats,
    // divergence. Returns false when it diverged (gan/snapshot.h step_divergence): the session
    // is then paused and rolled back (roll_back). From the trainer thread's report: the trainer
    // has parked itself on the same predicate, so the model is the session's again.
    bool record_iteration(const StepStats& stats);
    // The trainer refused a snapshot because the weights diverged (why: gan_snapshot_take's
    // reason) after iteration `step`: pause and roll back. Only with the trainer parked.
    void weights_diverged(int64_t step, const std::string& why);
    // Snapshots (see "Divergence"): the Driver asks for one with the grid refresh; it is taken at
    // the end of the next iteration here (train_part, Step), or by the trainer thread into
    // incoming_snapshot(), after which snapshot_arrived() commits it once the history reaches its step.
    void want_state_snapshot() { state_snapshot_wanted_ = true; }
    bool state_snapshot_wanted() const { return state_snapshot_wanted_; }
    // The earliest step the next one is taken at (kSnapshotIntervalSteps after the newest).
    int64_t next_snapshot_step() const;
    // For the trainer thread: where it writes the snapshot (the session leaves it alone until
    // snapshot_arrived()); handing it over clears the wish.
    GanSnapshot* incoming_snapshot() {
        state_snapshot_wanted_ = false;
        return &incoming_.state;
    }
    void snapshot_arrived() { incoming_pending_ = true; }
    // The newest good snapshot (empty() when none): what a rollback now restores first.
    const GanSnapshot& last_good_snapshot() const { return ring_[0].state; }
    const TrainingHistory& last_good_history() const { return ring_[0].history; }
    // What status() shows as step and epoch while the model is the trainer's.
    void note_progress(int64_t step, int64_t epoch);
    // samples() and snapshot() were written by someone else (the trainer's buffers swapped in),
    // both of the model at `step` between iterations.
    Matrix& samples_buffer() { return samples_; }
    Sequential& snapshot_buffer() { return snapshot_; }
    void mark_samples_fresh(int64_t step);
    // True when the grid no longer shows the model (reset, load, a pause mid-step): the driver
    // refreshes it at the next chance.
    bool preview_dirty() const { return preview_dirty_; }

private:
    Status start();
    void pause();
    void reset();
    Status step(int64_t count);
    Status save_checkpoint();
    Status load_checkpoint(const std::vector<uint8_t>& bytes, const std::string& history);
    void refresh_samples();
    void refresh_explore_samples();
    void finish_iteration();
    void adopt_model(std::unique_ptr<Gan> gan);  // fresh grid z, cleared history
    void prepare_snapshots();  // the first snapshot and the ring's room, before anything trains
    // The session's images: 28x28, at least a batch; hashed, the real-digit grid drawn. A refusal
    // changes nothing and says why.
    Status install_data(Dataset data, const std::string& name);
    Status load_data(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels, const std::string& name);
    void show_message(std::string text, bool is_error);
    // The generator drawn (the explore-only one, or the Gan's) and its recipe for links.
    const Sequential& shown_generator() const;
    Status set_digit(const LinkZ& z, const LinkBatchNorm& bn);
    void model_changed();                     // a new model: its snapshot; keep the digit if it fits
    void snapshot_taken(int64_t step, bool whole);  // a new snapshot: redraw the digit, its link
    Recipe current_recipe() const;            // the model's (an explore-only one's may be a stand-in)
    void render_digit();                      // digit_pixels_ from the snapshot
    void update_digit_link();                 // digit link / refusal from the snapshot
    ShareLink link_base() const;              // recipe, steps, data and weight hash of the snapshot
    std::string share_refusal() const;
    Status open_link(const std::string& text);
    Status load_generator(const std::vector<uint8_t>& bytes);
    Status change_setting(const std::string& key, const std::string& text);
    Status set_preset(const std::string& name);
    Status step_alone(char kind);
    Status reset_with(const std::vector<std::pair<std::string, std::string>>& settings);
    void cancel_rebuild(const char* why);     // a command cut a rebuild short: say so
    void refuse_link(std::string message);
    // Divergence (see the top of the file).
    // The model is ours, between iterations. False: the weights had diverged, rolled back instead.
    bool take_state_snapshot();
    bool snapshot_if_wanted();                // after an iteration; false as take_state_snapshot
    void commit_snapshot();                   // incoming_ becomes the newest, with the history now
    void roll_back(int64_t diverged_step, const std::string& why);

    struct RunSnapshotSlot {
        GanSnapshot state;
        TrainingHistory history;  // reserved at full capacity: copying into it never allocates
        StepStats last;
        bool valid = false;
    };
    RunSnapshotSlot ring_[2];                 // [0] newest, [1] older
    RunSnapshotSlot incoming_;                // from the trainer, until the history reaches its step
    bool snapshots_prepared_ = false;  // prepare_snapshots() ran for this model
    bool incoming_pending_ = false;
    bool state_snapshot_wanted_ = false;
    RollbackStatus rollback_;

    // The digit and links.
    Sequential snapshot_;
    int64_t snapshot_step_ = 0;
    bool snapshot_whole_ = true;              // taken between iterations (else its hash is no step's)
    uint64_t snapshot_version_ = 0;
    mutable uint64_t snapshot_hash_ = 0;      // generator_weight_hash(snapshot_), when known
    mutable bool snapshot_hash_known_ = false;
    bool model_has_recipe_ = true;            // false: a foreign checkpoint (no Ganvas recipe)
    uint64_t data_hash_ = 0;
    std::string data_name_;
    uint64_t data_version_ = 0;
    bool digit_selected_ = false;
    ShareLink digit_;                         // z and bn (the rest filled for rendering)
    std::vector<float> digit_z_values_, digit_pixels_;
    uint64_t digit_version_ = 0;
    std::string digit_link_;
    SequentialCache cache_;                   // the digit, the strip, an explore-only grid
    std::unique_ptr<ShareLink> opened_link_;
    std::string link_state_, link_message_;
    int64_t rebuild_target_ = -1;             // >= 0 while rebuilding
    int rebuild_threads_ = 0;                 // threads before the rebuild took every core
    double rate_ = 0;
    struct ExploreModel;                      // a generator file's G (io/generator_file.h)
    std::shared_ptr<ExploreModel> explore_;

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
