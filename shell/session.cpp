// session.cpp - the model, its data and history, and the commands that change them. See session.h.
#include "session.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/hash.h"
#include "base/parallel.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "gan/recipe.h"
#include "gan/settings.h"
#include "io/checkpoint.h"
#include "trainer_thread.h"

namespace ganvas {


SessionConfig session_config_for_assets_dir(const std::string& dir) {
    SessionConfig config;
    const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    config.images_path = prefix + kMnistImagesFile;
    config.labels_path = prefix + kMnistLabelsFile;
    config.classifier_path = prefix + kClassifierFile;
    return config;
}

int session_default_threads() {
    return TrainerThread::available() ? std::max(1, max_threads() - 1) : max_threads();
}

// [SECTION] TrainingHistory

TrainingHistory::TrainingHistory(int capacity) : capacity_(capacity) {
    assert(capacity >= 2 && capacity % 2 == 0 && "TrainingHistory needs an even capacity of at least 2");
    for (std::vector<float>& s : series_) s.reserve(capacity);
}

void TrainingHistory::add(const StepStats& stats) {
    const float values[kSeries] = {stats.d_loss, stats.g_loss, stats.d_real, stats.d_fake};
    for (int k = 0; k < kSeries; ++k) sums_[k] += values[k];
    if (++pending_ < stride_) return;
    for (int k = 0; k < kSeries; ++k) {
        series_[k].push_back(float(sums_[k] / stride_));
        sums_[k] = 0;
    }
    pending_ = 0;
    if (int(series_[0].size()) < capacity_) return;
    // Full: halve the resolution so memory stays bounded however long training runs.
    for (std::vector<float>& s : series_) {
        for (int i = 0; i < capacity_ / 2; ++i) s[i] = 0.5f * (s[2 * i] + s[2 * i + 1]);
        s.resize(capacity_ / 2);
    }
    stride_ *= 2;
}

void TrainingHistory::clear() {
    for (std::vector<float>& s : series_) s.clear();
    for (double& sum : sums_) sum = 0;
    stride_ = 1;
    pending_ = 0;
}

// [SECTION] Session: data and model

Session::Session(const SessionConfig& config) : config_(config), preset_label_(config.preset) {
    ganvas::set_threads(config_.threads > 0 ? config_.threads : session_default_threads());
    if (!gan_config_preset(config_.preset, &gan_config_)) {
        error_ = "Unknown model preset '" + config_.preset + "'.";
        return;
    }
    for (const std::string& assignment : config_.sets) {
        if (Status set = settings_set_assignment(&gan_config_, assignment); !set) {
            error_ = "Cannot set " + assignment + ": " + set.message;
            return;
        }
    }
    if (Status valid = gan_config_validate(gan_config_); !valid) {
        error_ = "Model preset '" + config_.preset + "' is invalid: " + valid.message;
        return;
    }
    Dataset digits;
    if (Status loaded = dataset_load_idx(config_.images_path, config_.labels_path, &digits); !loaded) {
        error_ = "Cannot load the MNIST digits: " + loaded.message +
                 " (build the 'ganvas_assets' target, or point the app at a folder holding " + kMnistImagesFile + ")";
    } else if (Status installed = install_data(std::move(digits), "the built-in digits"); !installed) {
        error_ = installed.message;
    }
    reset();  // after the data: the model's recipe names them (Recipe::data_hash)
}

Status Session::install_data(Dataset data, const std::string& name) {
    if (data.rows != kDigitSide || data.cols != kDigitSide)
        return Status::failure("the images are " + std::to_string(data.rows) + "x" + std::to_string(data.cols) +
                               " pixels; Ganvas trains on 28x28 grey images.");
    if (data.count < gan_config_.batch_size)
        return Status::failure("only " + std::to_string(data.count) + " images; training needs at least one batch of " +
                               std::to_string(gan_config_.batch_size) + ".");
    data_ = std::move(data);
    data_ok_ = true;
    data_hash_ = dataset_content_hash(data_);
    data_name_ = name;
    ++data_version_;
    // A fixed random choice of real digits to compare the samples with.
    std::vector<uint32_t> order(data_.count);
    for (int i = 0; i < data_.count; ++i) order[i] = uint32_t(i);
    Rng pick(config_.seed, streams::kRealDigits);
    shuffle_indices(order.data(), order.size(), pick);
    const size_t pixels = size_t(data_.pixels_per_image());
    std::vector<uint8_t> chosen(size_t(kGridCount) * pixels);
    for (int i = 0; i < kGridCount; ++i)
        std::copy_n(data_.pixels.data() + size_t(order[i]) * pixels, pixels, chosen.data() + size_t(i) * pixels);
    image_tile_grid_u8(chosen.data(), kGridCount, kDigitSide, kGridColumns, kGridGutter, &real_grid_);
    return Status::success();
}

Status Session::load_data(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                          const std::string& name) {
    const std::string what = name.empty() ? "these images" : name;
    const auto refuse = [&](const std::string& why) {
        const bool stop = !why.empty() && why.back() == '.';
        const std::string text = "Cannot train on " + what + ": " + why + (stop ? "" : ".") + " The current data and run are kept.";
        show_message(text, true);
        return Status::failure(text);
    };
    if (rebuilding()) return refuse("a link's model is being rebuilt; load data once it is shown.");
    Dataset data;
    std::vector<uint8_t> unzipped_images, unzipped_labels;
    const std::vector<uint8_t>* image_bytes = &images;
    const std::vector<uint8_t>* label_bytes = &labels;
    if (idx_is_gzip(images.data(), images.size())) {
        if (Status s = idx_gunzip(images.data(), images.size(), &unzipped_images); !s) return refuse(s.message);
        image_bytes = &unzipped_images;
    }
    if (Status s = idx_parse_images(image_bytes->data(), image_bytes->size(), &data); !s) return refuse(s.message);
    if (!labels.empty()) {
        if (idx_is_gzip(labels.data(), labels.size())) {
            if (Status s = idx_gunzip(labels.data(), labels.size(), &unzipped_labels); !s) return refuse("labels: " + s.message);
            label_bytes = &unzipped_labels;
        }
        if (Status s = idx_parse_labels(label_bytes->data(), label_bytes->size(), &data); !s) return refuse("labels: " + s.message);
    }
    if (Status s = install_data(std::move(data), what); !s) return refuse(s.message);
    reset();
    show_message("Training on " + what + ": " + std::to_string(data_.count) + " images of 28x28" +
                     (data_.labels.empty() ? "" : " with labels") + " (content hash " + hash_hex(data_hash_) +
                     "), a fresh model at step 0.",
                 false);
    return Status::success();
}

void Session::adopt_model(std::unique_ptr<Gan> gan) {
    gan_ = std::move(gan);
    gan_config_ = gan_->config();
    model_seed_ = gan_->seed();
    grid_z_.resize(kGridCount, gan_config_.latent_dim);
    sample_z_rows(gan_->seed(), 0, view_of(grid_z_));  // the z of (the model's seed, 0..63), as `ganvas sample`
    samples_.resize(kGridCount, gan_config_.image_pixels);
    step_ = gan_->step();
    epoch_ = gan_->epoch();
    last_ = StepStats{};
    history_.clear();
    preview_dirty_ = true;
    ++model_version_;
    explore_.reset();
    model_has_recipe_ = true;
    model_changed();
    for (RunSnapshotSlot* slot : {&ring_[0], &ring_[1], &incoming_}) slot->valid = false;
    incoming_pending_ = false;
    state_snapshot_wanted_ = false;
    snapshots_prepared_ = false;  // prepare_snapshots(), once something trains
}

void Session::prepare_snapshots() {
    // The model's first snapshot, and room for the others: training then never allocates for
    // them. Not at adoption: three copies of the model with its Adam state (~55 MB for the seed)
    // were a third of the page's time to ready, and a model that is only looked at needs none.
    if (snapshots_prepared_ || !gan_ || explore_) return;
    snapshots_prepared_ = true;
    if (gan_snapshot_take(*gan_, &incoming_.state) == Divergence::None) {
        commit_snapshot();
        ring_[1].state = ring_[0].state;  // sized, not valid
        incoming_.state = ring_[0].state;
    }
}

// [SECTION] Session: commands

Status Session::apply(const SessionCommand& command) {
    if (gan_ && !explore_) note_progress(gan_->step(), gan_->epoch());  // the model is ours now: its own figures
    return std::visit(
        [this](const auto& c) -> Status {
            using C = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<C, command::Start>) {
                Status started = start();
                cancel_rebuild("Start");
                return started;
            } else if constexpr (std::is_same_v<C, command::Pause>) {
                cancel_rebuild("Pause");
                pause();
            } else if constexpr (std::is_same_v<C, command::Reset>) {
                if (!c.settings.empty()) {
                    Status reset = reset_with(c.settings);
                    if (reset) cancel_rebuild("Reset");
                    return reset;
                }
                if (gan_) reset();
                cancel_rebuild("Reset");
            } else if constexpr (std::is_same_v<C, command::Step>) {
                cancel_rebuild("Step");
                return step(c.count);
            } else if constexpr (std::is_same_v<C, command::SetThreads>) {
                ganvas::set_threads(std::clamp(c.count, 1, max_threads()));
            } else if constexpr (std::is_same_v<C, command::SaveCheckpoint>) {
                return save_checkpoint();
            } else if constexpr (std::is_same_v<C, command::LoadCheckpoint>) {
                Status loaded = load_checkpoint(c.bytes, c.history);
                if (loaded) cancel_rebuild("loading a checkpoint");
                return loaded;
            } else if constexpr (std::is_same_v<C, command::RefreshSamples>) {
                if (gan_) refresh_samples();
            } else if constexpr (std::is_same_v<C, command::ShowMessage>) {
                show_message(c.text, c.is_error);
            } else if constexpr (std::is_same_v<C, command::SelectSample>) {
                if (c.index < 0 || c.index >= kGridCount)
                    return Status::failure("There is no sample " + std::to_string(c.index) + " (the grid has " +
                                           std::to_string(kGridCount) + ").");
                LinkZ z;
                z.kind = LinkZ::Kind::Seeded;
                z.seed = model_seed_;
                z.index = uint64_t(c.index);
                LinkBatchNorm bn;
                bn.mode = LinkBatchNorm::Mode::Batch;
                bn.seed = model_seed_;
                bn.count = kGridCount;
                bn.row = c.index;
                return set_digit(z, bn);
            } else if constexpr (std::is_same_v<C, command::SetDigit>) {
                return set_digit(c.z, c.bn);
            } else if constexpr (std::is_same_v<C, command::OpenLink>) {
                return open_link(c.text);
            } else if constexpr (std::is_same_v<C, command::LoadGenerator>) {
                Status loaded = load_generator(c.bytes);
                if (loaded) cancel_rebuild("loading a generator");
                return loaded;
            } else if constexpr (std::is_same_v<C, command::ChangeSetting>) {
                return change_setting(c.key, c.text);
            } else if constexpr (std::is_same_v<C, command::SetPreset>) {
                Status set = set_preset(c.name);
                if (set) cancel_rebuild("choosing a preset");
                return set;
            } else if constexpr (std::is_same_v<C, command::StepAlone>) {
                cancel_rebuild(c.kind == 'd' ? "Step D" : "Step G");
                return step_alone(c.kind);
            } else if constexpr (std::is_same_v<C, command::LoadData>) {
                return load_data(c.images, c.labels, c.name);
            }
            return Status::success();
        },
        command);
}

Status Session::set_preset(const std::string& name) {
    GanConfig preset;
    if (!gan_config_preset(name, &preset)) {
        show_message("There is no preset '" + name + "'.", true);
        return Status::failure("There is no preset '" + name + "'.");
    }
    if (Status valid = gan_config_validate(preset); !valid) return Status::failure("Preset '" + name + "': " + valid.message);
    config_.preset = name;
    config_.sets.clear();
    gan_config_ = preset;
    reset();
    show_message("Preset '" + name + "': " + gan_config_preset_summary(name) + ".", false);
    return Status::success();
}

Status Session::change_setting(const std::string& key, const std::string& text) {
    if (!gan_) return Status::failure("There is no model to change.");
    if (explore_) return Status::failure(kExploreOnlyRefusal);
    if (rebuilding()) return Status::failure("A link's model is being rebuilt: change settings once it is shown.");
    prepare_snapshots();
    if (gan_->mid_iteration()) finish_iteration();  // a change applies between iterations only
    // A snapshot first, so a change that blows the run up is undone by the rollback. Not when the
    // newest is of this step already (the same weights; its recipe undoes every change made here).
    if (!(ring_[0].valid && ring_[0].state.step == gan_->step()) && !take_state_snapshot())
        return Status::failure(message_);  // the weights had diverged: rolled back instead
    Status changed = gan_->change_setting(key, text);
    if (!changed) {
        show_message("Cannot set " + key + ": " + changed.message, true);
        return changed;
    }
    show_message("Set " + key + "=" + text + " from step " + std::to_string(gan_->step()) + " on.", false);
    return Status::success();
}

Status Session::step_alone(char kind) {
    if (!ready()) return Status::failure(error_.empty() ? "There is no model to train." : error_);
    if (explore_) return Status::failure(kExploreOnlyRefusal);
    prepare_snapshots();
    if (gan_->mid_iteration()) finish_iteration();  // a lone update comes between iterations
    StepStats done;
    Status s = gan_->train_alone(kind, data_, &done);
    if (!s) {
        show_message(std::string("Cannot step ") + (kind == 'd' ? "D" : "G") + ": " + s.message, true);
        return s;
    }
    if (kind == 'd') {
        last_.d_loss = done.d_loss;
        last_.d_real = done.d_real;
        last_.d_fake = done.d_fake;
        last_.d_penalty = done.d_penalty;
    } else {
        last_.g_loss = done.g_loss;
    }
    if (!std::isfinite(done.d_loss) || !std::isfinite(done.g_loss)) {
        running_ = false;
        error_ = "Training diverged (a loss is not finite) after a lone update: Reset to start again.";
    }
    preview_dirty_ = true;
    return Status::success();
}

Status Session::reset_with(const std::vector<std::pair<std::string, std::string>>& settings) {
    if (!gan_) return Status::failure("There is no model to reset.");
    GanConfig next = live_config();
    for (const auto& [key, text] : settings) {
        if (Status s = settings_set_text(&next, key, text); !s) {
            show_message("Reset refused: " + s.message, true);
            return s;
        }
    }
    if (Status s = gan_config_validate(next); !s) {
        show_message("Reset refused: " + s.message, true);
        return s;
    }
    if (data_ok_ && data_.count < next.batch_size) {
        const Status s = Status::failure("batch_size " + std::to_string(next.batch_size) + " is more than the " +
                                         std::to_string(data_.count) + " digits loaded");
        show_message("Reset refused: " + s.message, true);
        return s;
    }
    gan_config_ = next;
    reset();
    preset_label_ = config_.preset + " (changed)";
    std::string applied;
    for (const auto& [key, text] : settings) applied += (applied.empty() ? "" : ", ") + key + "=" + text;
    show_message("Reset with " + applied + ".", false);
    return Status::success();
}

GanConfig Session::live_config() const {
    if (!gan_ || explore_) return gan_config_;
    return recipe_config_at(gan_->recipe(), step_);
}

Status Session::start() {
    if (!ready()) return Status::failure(error_.empty() ? "There is no model to train." : error_);
    if (explore_) return Status::failure(kExploreOnlyRefusal);
    prepare_snapshots();
    running_ = true;
    message_.clear();
    return Status::success();
}

void Session::pause() {
    if (running_) preview_dirty_ = true;  // show the samples of the exact step training stopped at
    running_ = false;
}

void Session::reset() {
    running_ = false;
    auto fresh = std::make_unique<Gan>(gan_config_, config_.seed);
    if (data_ok_) fresh->set_data_hash(data_hash_);  // its recipe names the images it trains on
    adopt_model(std::move(fresh));
    preset_label_ = config_.sets.empty() ? config_.preset : config_.preset + " (changed)";
    message_.clear();
    if (data_ok_) error_.clear();  // a divergence message no longer applies
}

Status Session::step(int64_t count) {
    if (!ready()) return Status::failure(error_.empty() ? "There is no model to train." : error_);
    if (explore_) return Status::failure(kExploreOnlyRefusal);
    prepare_snapshots();
    const int64_t target = gan_->step() + std::max<int64_t>(count, 0);  // finishing a begun one counts
    bool finite = true;
    while (finite && gan_->step() < target) {
        StepStats done;
        if (gan_->train_part(data_, &done)) finite = record_iteration(done) && snapshot_if_wanted();
    }
    if (finite) note_progress(gan_->step(), gan_->epoch());  // else the rollback set them
    preview_dirty_ = true;
    return finite ? Status::success() : Status::failure(error_.empty() ? message_ : error_);
}

Status Session::save_checkpoint() {
    saved_checkpoint_.clear();
    if (!gan_) return Status::failure("There is no model to save.");
    if (explore_)
        return Status::failure("An explore-only generator has no checkpoint (no discriminator, no optimiser): "
                               "Reset starts a run of your own.");
    if (gan_->mid_iteration()) finish_iteration();  // a checkpoint holds whole iterations only
    saved_checkpoint_ = checkpoint_serialize(*gan_);
    return Status::success();
}

Status Session::load_checkpoint(const std::vector<uint8_t>& bytes, const std::string& history) {
    std::unique_ptr<Gan> loaded;
    bool has_recipe = false;
    Status status = checkpoint_load_new(bytes.data(), bytes.size(), &loaded, nullptr, &has_recipe);
    if (status) {
        // The checkpoint may hold another config: it has to fit the digits this session trains on.
        const GanConfig& c = loaded->config();
        if (data_ok_ && c.image_pixels != data_.pixels_per_image())
            status = Status::failure("its model draws " + std::to_string(c.image_pixels) +
                                     "-pixel images, but these digits have " +
                                     std::to_string(data_.pixels_per_image()) + " pixels.");
        else if (data_ok_ && c.batch_size > data_.count)
            status = Status::failure("its batch size " + std::to_string(c.batch_size) + " is more than the " +
                                     std::to_string(data_.count) + " digits loaded.");
    }
    if (!status) {
        status.message = "Cannot load the checkpoint: " + status.message;
        show_message(status.message, true);
        return status;
    }
    running_ = false;
    GanConfig preset;  // the label in the Training window: the preset's name, if it still fits
    if (!gan_config_preset(config_.preset, &preset) ||
        gan_config_to_json(preset) != gan_config_to_json(loaded->config()))
        preset_label_ = "from checkpoint";
    else
        preset_label_ = config_.preset;
    adopt_model(std::move(loaded));
    model_has_recipe_ = has_recipe;
    if (data_ok_) error_.clear();  // a divergence message no longer applies
    const uint64_t trained_on = gan_->recipe().data_hash;
    if (data_ok_ && trained_on != 0 && trained_on != data_hash_) {
        // Loaded all the same (the model is the user's), but its continuation is not the run's.
        show_message("Loaded step " + std::to_string(gan_->step()) + ", but it was trained on other images (content hash " +
                         hash_hex(trained_on) + "; these are " + hash_hex(data_hash_) + ", " + data_name_ +
                         "): load those images for its exact continuation.",
                     true);
        if (!history.empty()) (void)history_.from_json(history, gan_->step());
        return status;
    }
    if (history.empty()) {
        show_message("Loaded checkpoint: step " + std::to_string(gan_->step()), false);
    } else if (Status restored = history_.from_json(history, gan_->step()); !restored) {
        // The model is what matters; its curves are a view of it: load it, say what is missing.
        show_message("Resumed at step " + std::to_string(gan_->step()) + ", without the loss history: " +
                         restored.message, true);
    } else {
        show_message("Resumed at step " + std::to_string(gan_->step()) + " with its loss history", false);
    }
    return status;
}

void Session::show_message(std::string text, bool is_error) {
    message_ = std::move(text);
    message_is_error_ = is_error;
}

void Session::refresh_samples() {
    // TrainNoUpdate: batch statistics like training, but the running statistics stay untouched,
    // so looking at the samples never changes the model. The snapshot is taken with it.
    if (explore_) {
        refresh_explore_samples();
        return;
    }
    gan_->generate(const_view_of(grid_z_), view_of(samples_), BatchNormMode::TrainNoUpdate);
    copy_generator_snapshot(gan_->sample_generator(), &snapshot_);
    ++samples_version_;
    preview_dirty_ = false;
    snapshot_taken(gan_->step(), !gan_->mid_iteration());
}

void Session::mark_samples_fresh(int64_t step) {
    ++samples_version_;
    preview_dirty_ = false;
    snapshot_taken(step, true);  // the trainer makes them between iterations only
}

// [SECTION] Session: training (the driver side)

bool Session::train_part() {
    assert(ready() && "Session::train_part: no data or no model");
    StepStats done;
    const bool completed = gan_->train_part(data_, &done);
    note_progress(gan_->step(), gan_->epoch());
    if (completed && record_iteration(done) && snapshot_if_wanted() && rebuilding() && gan_->step() >= rebuild_target_)
        finish_rebuild();
    return completed;
}

void Session::finish_iteration() {
    while (!train_part()) {
    }
}

bool Session::record_iteration(const StepStats& stats) {
    if (step_divergence(stats) != Divergence::None) {
        last_ = stats;
        roll_back(stats.step, step_divergence_text(stats));
        return false;
    }
    last_ = stats;
    history_.add(last_);
    if (incoming_pending_ && stats.step == incoming_.state.step) commit_snapshot();
    return true;
}

// [SECTION] Session: divergence (see "Divergence" in session.h)

namespace {

// The changes of `now`'s timeline that `then`'s lacks, for people: "adam_d.lr=1.0, adam_g.lr=1.0".
std::string undone_changes(const Recipe& then, const Recipe& now) {
    std::string text;
    for (const RecipeChange& c : now.timeline) {
        bool kept = false;
        for (const RecipeChange& t : then.timeline) kept = kept || (t.step == c.step && t.key == c.key && t.value == c.value);
        if (!kept) text += (text.empty() ? "" : ", ") + c.key + "=" + c.value;
    }
    return text;
}

}  // namespace

int64_t Session::next_snapshot_step() const {
    return ring_[0].valid ? ring_[0].state.step + kSnapshotIntervalSteps : 0;
}

bool Session::take_state_snapshot() {
    state_snapshot_wanted_ = false;
    incoming_pending_ = false;
    std::string why;
    if (gan_snapshot_take(*gan_, &incoming_.state, &why) != Divergence::None) {
        roll_back(gan_->step(), why);
        return false;
    }
    commit_snapshot();
    return true;
}

bool Session::snapshot_if_wanted() {
    if (!state_snapshot_wanted_ || rebuilding() || gan_->step() < next_snapshot_step()) return true;
    return take_state_snapshot();
}

void Session::weights_diverged(int64_t step, const std::string& why) { roll_back(step, why); }

void Session::commit_snapshot() {
    incoming_pending_ = false;
    if (incoming_.state.empty()) return;
    std::swap(ring_[1], incoming_);  // the oldest's buffers are reused next time
    std::swap(ring_[0], ring_[1]);
    ring_[0].history = history_;     // reserved: no allocation
    ring_[0].last = last_;
    ring_[0].valid = true;
    incoming_.valid = false;
}

void Session::roll_back(int64_t diverged_step, const std::string& why) {
    running_ = false;
    preview_dirty_ = true;
    incoming_pending_ = false;
    state_snapshot_wanted_ = false;
    // The newest snapshot, unless the same settings blew it up within kRollbackMarginSteps.
    int pick = ring_[0].valid ? 0 : -1;
    if (pick == 0 && ring_[1].valid && diverged_step - ring_[0].state.step < kRollbackMarginSteps &&
        recipe_to_json(ring_[0].state.recipe) == recipe_to_json(gan_->recipe()))
        pick = 1;
    const std::string what = "Training diverged at step " + std::to_string(diverged_step) + ": " + why + ".";
    const std::string undone = pick < 0 ? std::string() : undone_changes(ring_[pick].state.recipe, gan_->recipe());
    if (pick < 0 || !gan_snapshot_restore(ring_[pick].state, gan_.get())) {
        error_ = what + " There is no snapshot to go back to: press Reset to start over.";
        return;
    }
    if (pick == 1) {
        std::swap(ring_[0], ring_[1]);
        ring_[1].valid = false;  // the one that blew up this soon is no good
    }
    history_ = ring_[0].history;
    last_ = ring_[0].last;
    note_progress(gan_->step(), gan_->epoch());
    rollback_.count += 1;
    rollback_.diverged_step = diverged_step;
    rollback_.restored_step = gan_->step();
    rollback_.reason = why;
    rollback_.undone = undone;
    show_message(what + " Rolled back to step " + std::to_string(gan_->step()) + " (the last good snapshot" +
                     (undone.empty() ? std::string() : "; undone: " + undone) +
                     ") and paused. Try lower learning rates (the Diagnosis window's remedy), then Start.",
                 true);
}

void Session::note_progress(int64_t step, int64_t epoch) {
    step_ = step;
    epoch_ = std::max<int64_t>(epoch, 0);
}

SessionStatus Session::status() const {
    SessionStatus s;
    s.step = gan_ ? step_ : 0;
    if (gan_ && !explore_)  // from the recipe, which only changes in apply(): safe while the trainer runs
        for (const RecipeChange& c : gan_->recipe().timeline)
            if (c.is_update() && c.step <= step_) ++(c.update_kind() == 'd' ? s.lone_d : s.lone_g);
    s.epoch = gan_ ? epoch_ : 0;
    s.preset = config_.preset;
    if (data_ok_) {
        s.data_name = data_name_;
        s.data_count = data_.count;
        s.data_labels = !data_.labels.empty();
        s.data_hash = data_hash_;
    }
    s.last = last_;
    s.threads = threads();
    s.max_threads = max_threads();
    s.running = running_;
    s.ready = ready();
    s.error = error_;
    s.message = message_;
    s.message_is_error = message_is_error_;
    s.explore_only = explore_ != nullptr;
    s.rebuild.active = rebuilding();
    if (s.rebuild.active) {
        s.rebuild.target = rebuild_target_;
        s.rebuild.done = std::min(step_, rebuild_target_);
        s.rebuild.eta_seconds = rate_ > 0 ? double(s.rebuild.target - s.rebuild.done) / rate_ : 0.0;
    }
    s.digit.selected = digit_selected_;
    s.digit.link = digit_selected_ ? digit_link_ : std::string();
    s.digit.share_refusal = share_refusal();
    s.digit.link_state = link_state_;
    s.digit.link_message = link_message_;
    s.rollback = rollback_;
    s.rollback.snapshot_step = ring_[0].valid ? ring_[0].state.step : -1;
    return s;
}

}  // namespace ganvas
