// session_link.cpp - the session's digit (the explorer's), its share links, OpenLink's rebuild and
// explore-only generators. See session.h; the link format is core/io/link.h.
//
// Threads: everything here runs on the UI thread. The snapshot (a copy of G taken with each grid
// refresh) is the UI thread's own, so the digit is drawn while a trainer thread trains; the
// functions that read the model itself (open_link, load_generator, finish_rebuild) run only from
// apply() or the driver with the trainer parked.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/hash.h"
#include "base/parallel.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "io/generator_file.h"
#include "session.h"
#include "trainer_thread.h"

namespace ganvas {

// [SECTION] Explore-only models

struct Session::ExploreModel {
    GeneratorModel model;
};

namespace {

std::string hex(uint64_t h) { return hash_hex(h); }

// The same run but for which images it names: a link carries its data hash beside its recipe
// (ShareLink::data_hash, checked against the session's images first), a model's recipe in it.
bool same_recipe_but_data(Recipe a, Recipe b) {
    a.data_hash = b.data_hash = 0;
    return recipe_to_json(a) == recipe_to_json(b);
}

// Checks SetDigit's z and bn against a model of `latent_dim`; names the field that is wrong.
Status check_digit(const LinkZ& z, const LinkBatchNorm& bn, int latent_dim) {
    if (z.kind == LinkZ::Kind::Raw) {
        if (int(z.raw.size()) != latent_dim)
            return Status::failure("the digit's z has " + std::to_string(z.raw.size()) + " values but the model's latent has " +
                                   std::to_string(latent_dim));
        for (float v : z.raw)
            if (!std::isfinite(v)) return Status::failure("the digit's z has a value that is not finite");
    }
    if (z.kind == LinkZ::Kind::Slerp && !(z.t >= 0.0f && z.t <= 1.0f))
        return Status::failure("the interpolation's t must be in [0, 1]");
    if (bn.mode == LinkBatchNorm::Mode::Batch) {
        if (bn.count < 2 || bn.count > 4096) return Status::failure("the digit's batch must have 2 .. 4096 rows");
        if (bn.row < 0 || bn.row >= bn.count) return Status::failure("the digit's row must be below the batch's count");
    }
    return Status::success();
}

}  // namespace

Status Session::load_generator(const std::vector<uint8_t>& bytes) {
    auto loaded = std::make_shared<ExploreModel>();
    Status status = generator_model_load(bytes.data(), bytes.size(), &loaded->model);
    const GeneratorModel& g = loaded->model;
    if (status && data_ok_ && g.config.image_pixels != data_.pixels_per_image())
        status = Status::failure("its generator draws " + std::to_string(g.config.image_pixels) +
                                 "-pixel images, but these digits have " + std::to_string(data_.pixels_per_image()) +
                                 " pixels.");
    if (!status) {
        status.message = "Cannot load the generator: " + status.message;
        show_message(status.message, true);
        return status;
    }
    running_ = false;
    explore_ = std::move(loaded);
    model_has_recipe_ = g.has_recipe;
    gan_config_ = g.config;
    model_seed_ = g.recipe.seed;  // a file without a recipe: a recipe of its config and seed
    preset_label_ = "explore-only generator";
    grid_z_.resize(kGridCount, gan_config_.latent_dim);
    sample_z_rows(model_seed_, 0, view_of(grid_z_));
    samples_.resize(kGridCount, gan_config_.image_pixels);
    note_progress(g.step, 0);
    last_ = StepStats{};
    history_.clear();
    preview_dirty_ = true;
    ++model_version_;
    model_changed();
    show_message("Loaded an explore-only generator (step " + std::to_string(g.step) + "): Reset starts a run of your own.",
                 false);
    return status;
}

void Session::refresh_explore_samples() {
    copy_generator_snapshot(explore_->model.generator, &snapshot_);
    sample_images(snapshot_, cache_, const_view_of(grid_z_), view_of(samples_), BatchNormMode::TrainNoUpdate);
    ++samples_version_;
    preview_dirty_ = false;
    snapshot_taken(explore_->model.step, true);
}

const Sequential& Session::shown_generator() const {
    return explore_ ? explore_->model.generator : gan_->sample_generator();
}

Recipe Session::current_recipe() const {
    if (explore_) return explore_->model.recipe;  // without has_recipe a stand-in: drawn, never shared
    return gan_ ? gan_->recipe() : recipe_of(gan_config_, model_seed_);
}

// [SECTION] The snapshot and the digit

void Session::model_changed() {
    copy_generator_snapshot(shown_generator(), &snapshot_);
    const bool whole = explore_ || !gan_->mid_iteration();
    const int64_t step = explore_ ? explore_->model.step : gan_->step();
    if (digit_selected_ && !check_digit(digit_.z, digit_.bn, gan_config_.latent_dim)) digit_selected_ = false;
    snapshot_taken(step, whole);
}

void Session::snapshot_taken(int64_t step, bool whole) {
    snapshot_step_ = step;
    snapshot_whole_ = whole;
    ++snapshot_version_;
    snapshot_hash_known_ = false;
    if (!digit_selected_) return;
    render_digit();
    update_digit_link();
}

uint64_t Session::snapshot_hash() const {
    if (!snapshot_hash_known_) {
        snapshot_hash_ = generator_weight_hash(snapshot_);
        snapshot_hash_known_ = true;
    }
    return snapshot_hash_;
}

Status Session::set_digit(const LinkZ& z, const LinkBatchNorm& bn) {
    if (!gan_) return Status::failure("There is no model to draw a digit with.");
    if (Status ok = check_digit(z, bn, gan_config_.latent_dim); !ok) {
        ok.message = "Cannot show that digit: " + ok.message + ".";
        return ok;
    }
    // The model is ours here (apply): a grid that no longer shows it is refreshed first, so the
    // digit and its link are of the model as it is.
    if (preview_dirty_ && !rebuilding()) refresh_samples();
    digit_.z = z;
    digit_.bn = bn;
    digit_.grid = false;
    digit_selected_ = true;
    render_digit();
    update_digit_link();
    return Status::success();
}

void Session::render_digit() {
    digit_.recipe = current_recipe();
    digit_z_values_.resize(size_t(gan_config_.latent_dim));
    link_z_values(digit_.z, gan_config_.latent_dim, digit_z_values_.data());
    digit_pixels_.assign(size_t(gan_config_.image_pixels), 0.0f);
    if (!snapshot_.layers.empty()) link_render_digit(digit_, snapshot_, cache_, digit_pixels_.data());
    ++digit_version_;
}

Status Session::render_digits(const std::vector<LinkZ>& zs, const LinkBatchNorm& bn, std::vector<float>* pixels) {
    if (!gan_ || snapshot_.layers.empty()) return Status::failure("There is no model to draw digits with.");
    const size_t n = size_t(gan_config_.image_pixels);
    pixels->assign(zs.size() * n, 0.0f);
    ShareLink link = digit_;
    link.recipe = current_recipe();
    link.bn = bn;
    for (size_t i = 0; i < zs.size(); ++i) {
        if (Status ok = check_digit(zs[i], bn, gan_config_.latent_dim); !ok) return ok;
        link.z = zs[i];
        link_render_digit(link, snapshot_, cache_, pixels->data() + i * n);
    }
    return Status::success();
}

// [SECTION] Share links

std::string Session::share_refusal() const {
    if (!gan_) return "There is no model to share.";
    if (!data_ok_) return "The digits are not loaded, so a link could not name the data.";
    if (explore_ && !explore_->model.has_recipe)
        return "This generator file carries no Ganvas recipe (it was not trained by Ganvas): a link could not rebuild it.";
    if (!model_has_recipe_)
        return "This model was loaded from a checkpoint without a Ganvas recipe (one saved by PyTorch, say): a link "
               "could not rebuild it.";
    if (rebuilding()) return "The link's model is still being rebuilt.";
    if (!snapshot_whole_) return "The model is paused inside an iteration: press Step so a link can name a whole step.";
    return "";
}

ShareLink Session::link_base() const {
    ShareLink link;
    link.recipe = current_recipe();
    link.steps = snapshot_step_;
    link.data_hash = explore_ && explore_->model.data_hash != 0 ? explore_->model.data_hash : data_hash_;
    link.weight_hash = snapshot_hash();
    return link;
}

void Session::update_digit_link() {
    digit_link_.clear();
    if (!share_refusal().empty()) return;
    ShareLink link = link_base();
    link.z = digit_.z;
    link.bn = digit_.bn;
    if (link_check(link)) digit_link_ = link_to_fragment(link);
}

std::string Session::grid_link() const {
    if (!share_refusal().empty()) return "";
    ShareLink link = link_base();
    link.grid = true;
    link.grid_seed = model_seed_;
    link.grid_count = kGridCount;
    link.bn.mode = LinkBatchNorm::Mode::Batch;
    link.bn.seed = model_seed_;
    link.bn.count = kGridCount;
    link.bn.row = 0;
    return link_check(link) ? link_to_fragment(link) : std::string();
}

// [SECTION] Opening a link

void Session::refuse_link(std::string message) {
    link_state_ = "refused";
    link_message_ = message;
    show_message(std::move(message), true);
}

Status Session::open_link(const std::string& text) {
    ShareLink link;
    Status parsed = link_parse(text, &link);
    if (parsed) parsed = link_check(link);
    if (!parsed) {
        refuse_link("Cannot open the link: " + parsed.message);
        return Status::failure(link_message_);
    }
    if (!data_ok_) {
        refuse_link("Cannot open the link: the digits are not loaded (" + error_ + ")");
        return Status::failure(link_message_);
    }
    if (link.data_hash != data_hash_) {
        refuse_link("Cannot open the link: this link's model was trained on other data (hash " + hex(link.data_hash) +
                    "); this page has the built-in digits (hash " + hex(data_hash_) + ").");
        return Status::failure(link_message_);
    }
    const GanConfig& c = link.recipe.config;
    if (c.image_pixels != data_.pixels_per_image() || c.batch_size > data_.count) {
        refuse_link("Cannot open the link: its model does not fit these digits (" + std::to_string(c.image_pixels) +
                    "-pixel images, batch " + std::to_string(c.batch_size) + ").");
        return Status::failure(link_message_);
    }
    cancel_rebuild("opening another link");
    opened_link_ = std::make_unique<ShareLink>(link);

    // The model already is the link's: show its digit at once.
    const bool shareable = !explore_ || explore_->model.has_recipe;
    const bool whole = explore_ || (gan_ && !gan_->mid_iteration());
    const int64_t step = explore_ ? explore_->model.step : (gan_ ? gan_->step() : -1);
    if (gan_ && shareable && model_has_recipe_ && whole && step == link.steps &&
        same_recipe_but_data(current_recipe(), link.recipe)) {
        if (snapshot_step_ != step || !snapshot_whole_ || preview_dirty_) refresh_samples();
        if (snapshot_hash() == link.weight_hash) {
            link_state_ = "shown";
            link_message_ = "This is the link's model (step " + std::to_string(step) + ", weights " +
                            hex(link.weight_hash) + "): its digit is shown.";
        } else {
            link_state_ = "mismatch";
            link_message_ = "This model has the link's recipe and step but other weights (" + hex(snapshot_hash()) +
                            ", the link says " + hex(link.weight_hash) +
                            "): it was made by another build of Ganvas or trained on other data.";
        }
        if (!link.grid) set_digit(link.z, link.bn);
        show_message(link_message_, link_state_ != "shown");
        return link_state_ == "shown" ? Status::success() : Status::failure(link_message_);
    }

    // Else: the link's recipe from scratch, trained to its step (the driver runs it).
    running_ = false;
    auto rebuilt = std::make_unique<Gan>(link.recipe);
    rebuilt->set_data_hash(link.data_hash);  // the images were checked above: they are the link's
    adopt_model(std::move(rebuilt));
    preset_label_ = "from a link";
    if (data_ok_) error_.clear();
    if (!link.grid) set_digit(link.z, link.bn);
    if (link.steps == 0) {
        rebuild_target_ = 0;
        rebuild_threads_ = threads();
        finish_rebuild();
        return link_state_ == "shown" ? Status::success() : Status::failure(link_message_);
    }
    rebuild_target_ = link.steps;
    rebuild_threads_ = threads();
    rate_ = 0;  // measured afresh
    ganvas::set_threads(max_threads());  // full speed: every core (the bits do not depend on it)
    prepare_snapshots();
    running_ = true;
    link_state_ = "rebuilding";
    link_message_ = "Rebuilding the link's model: " + std::to_string(link.steps) + " steps of its recipe.";
    show_message(link_message_, false);
    return Status::success();
}

void Session::finish_rebuild() {
    if (!rebuilding() || !opened_link_) return;
    rebuild_target_ = -1;
    running_ = false;
    ganvas::set_threads(rebuild_threads_);
    note_progress(gan_->step(), gan_->epoch());
    refresh_samples();  // the grid and the snapshot at the link's step
    const ShareLink& link = *opened_link_;
    if (snapshot_hash() == link.weight_hash) {
        link_state_ = "shown";
        link_message_ = "Rebuilt the link's model (" + std::to_string(link.steps) +
                        " steps) and checked its weights: the digit is the link's.";
    } else {
        link_state_ = "mismatch";
        link_message_ = "The rebuilt model's weights differ from the link's (" + hex(snapshot_hash()) + ", the link says " +
                        hex(link.weight_hash) + "): it was made by another build of Ganvas or trained on other data.";
    }
    if (!link.grid) set_digit(link.z, link.bn);
    show_message(link_message_, link_state_ != "shown");
}

void Session::cancel_rebuild(const char* why) {
    if (!rebuilding()) return;
    const int64_t target = rebuild_target_;
    rebuild_target_ = -1;
    ganvas::set_threads(rebuild_threads_);
    link_state_ = "";
    link_message_ = std::string("The link's rebuild was cancelled by ") + why + " at step " + std::to_string(step_) +
                    " of " + std::to_string(target) + ".";
    show_message(link_message_, false);
}

}  // namespace ganvas
