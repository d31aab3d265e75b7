// driver.cpp - the command queue, the trainer handshake and the frame slices. See driver.h.
#include "driver.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <utility>

namespace ganvas {

DriverClock driver_steady_clock() {
    return [] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
}

// [SECTION] FrameTimes

void FrameTimes::add(double ms) {
    ms_[next_] = float(ms);
    next_ = (next_ + 1) % kFrameWindow;
    count_ = std::min(count_ + 1, kFrameWindow);
}

double FrameTimes::quantile(double q) const {
    if (count_ == 0) return 0;
    // Until the ring is full the times sit in [0, count_). A copy on the stack: no allocation.
    std::array<float, kFrameWindow> sorted = ms_;
    const int rank = std::clamp(int(std::ceil(q * count_)), 1, count_);
    std::nth_element(sorted.begin(), sorted.begin() + (rank - 1), sorted.begin() + count_);
    return sorted[rank - 1];
}

// [SECTION] Driver: the command queue

Driver::Driver(Session& session, DriverMode mode, DriverClock clock, double min_slice_seconds)
    : session_(session), clock_(std::move(clock)), min_slice_seconds_(min_slice_seconds),
      slice_seconds_(min_slice_seconds) {
    assert(mode != DriverMode::TrainerThread || TrainerThread::available());
    const bool threaded = mode == DriverMode::TrainerThread || (mode == DriverMode::Auto && TrainerThread::available());
    if (threaded) trainer_ = std::make_unique<TrainerThread>();
}

Driver::~Driver() {
    if (trainer_) trainer_->park();
}

void Driver::submit(SessionCommand command) { queue_.push_back(std::move(command)); }

Status Driver::run(SessionCommand command) {
    submit(std::move(command));
    return apply_pending();
}

Status Driver::apply_pending() {
    if (queue_.empty()) return Status::success();
    park_and_collect();
    Status first = Status::success();
    // Commands may queue more (none do today); take the batch out first.
    std::vector<SessionCommand> batch;
    batch.swap(queue_);
    const uint64_t version = session_.model_version();
    for (const SessionCommand& command : batch) {
        Status done = session_.apply(command);
        if (!done && first) first = std::move(done);
    }
    if (session_.model_version() != version) part_seconds_ = 0;  // another model may step at another speed
    resume_if_running();
    return first;
}

void Driver::park_and_collect() {
    if (!trainer_) return;
    trainer_->park();
    collect();  // the last iterations, so the figures shown are the final ones
}

void Driver::resume_if_running() {
    const bool running = session_.running();
    if (running && !was_running_) {  // the rate is measured from here
        rate_start_ = clock_();
        rate_start_step_ = session_.step();
    }
    if (!running) iters_per_sec_ = 0;
    was_running_ = running;
    if (!trainer_ || !running) return;
    if (attached_version_ != session_.model_version()) {
        trainer_->attach(session_.model(), &session_.data(), &session_.grid_z());
        attached_version_ = session_.model_version();
    }
    trainer_->resume(session_.rebuilding() ? session_.rebuild_target() : -1);
}

void Driver::collect() {
    if (attached_version_ != session_.model_version()) return;  // the trainer never had this model
    trainer_->take(&report_, &session_.samples_buffer(), &session_.snapshot_buffer());
    if (report_.have_state) session_.snapshot_arrived();  // committed when the history reaches its step
    // A diverged step: the trainer has parked itself, the session rolled back (its step is the snapshot's).
    for (const StepStats& done : report_.iterations)
        if (!session_.record_iteration(done)) return attach_after_rollback();
    session_.note_progress(report_.step, report_.epoch);
    if (!report_.weights_diverged.empty()) {  // parked too
        session_.weights_diverged(report_.step, report_.weights_diverged);
        return attach_after_rollback();
    }
    if (report_.have_samples) session_.mark_samples_fresh(report_.samples_step);
}

void Driver::attach_after_rollback() {
    // The model went back under the parked trainer: its report (step, samples) is of the weights
    // that are gone, so it starts afresh from the restored model.
    trainer_->park();
    trainer_->attach(session_.model(), &session_.data(), &session_.grid_z());
}

// [SECTION] Driver: per-frame work

int Driver::train_slice(double seconds, bool must_step) {
    const double begin = clock_();
    double elapsed = 0;
    int parts = 0;
    // Train while the next part is expected to end in time; an unknown part time (0) never fits.
    const auto next_fits = [&] { return part_seconds_ > 0 && elapsed + part_seconds_ <= seconds; };
    if (!session_.ready() || (!must_step && !next_fits())) return 0;
    // Quarter steps (Gan::train_part): each about a quarter of a step's time, so a frame at
    // 60 Hz fills its slice closely and still draws in time where a whole step would not fit.
    do {
        const bool completed = session_.train_part();
        ++parts;
        const double now = clock_() - begin;
        const double part = now - elapsed;
        part_seconds_ = part_seconds_ > 0 ? part_seconds_ + 0.2 * (part - part_seconds_) : part;
        elapsed = now;
        if (completed && !session_.running()) break;  // diverged
    } while (next_fits());
    return parts;
}

void Driver::frame() {
    apply_pending();
    // The compute budget of this frame (see the top of driver.h): the minimum slice, or, when
    // the rest of the frame is slow beyond a display refresh anyway, kTrainFrameShare of the frame.
    const double begin = clock_();
    if (have_last_frame_) {
        const double interval = begin - last_frame_;
        frame_intervals_.add(interval * 1000.0);
        const double bounded = std::min(interval, 1.0);  // a hidden tab or a benchmark stalls frames
        frame_seconds_ += 0.2 * (bounded - frame_seconds_);
        rest_seconds_ += 0.2 * (std::max(bounded - compute_seconds_, 0.0) - rest_seconds_);
    }
    last_frame_ = begin;
    have_last_frame_ = true;
    const double slow = std::max(rest_seconds_ - kVsyncAllowanceSeconds, 0.0);
    const double shared = kTrainFrameShare / (1.0 - kTrainFrameShare) * slow;
    slice_seconds_ = std::max(min_slice_seconds_, std::min(shared, kMaxTrainSliceSeconds));
    const bool rebuilding = session_.rebuilding();
    if (rebuilding) slice_seconds_ = std::max(slice_seconds_, kRebuildSliceSeconds);

    // The sample grid first: it spends the same budget. When parts fit in the slice, a frame
    // that refreshed the grid trains only what still fits; when a single part is longer than
    // the slice anyway, every frame trains at least one (else training would crawl).
    const bool running = session_.running();
    bool refreshed = false;
    if (trainer_ && running) {
        // The trainer thread trains and, when asked, samples; the frame only collects.
        collect();
        if (rebuilding) {  // no samples while rebuilding; at its step the trainer has parked itself
            if (session_.step() >= session_.rebuild_target()) {
                park_and_collect();
                session_.finish_rebuild();
            }
        } else if (begin - last_preview_ >= kPreviewIntervalSeconds) {
            trainer_->request_samples();
            last_preview_ = begin;
            want_state_snapshot(begin);
            if (session_.state_snapshot_wanted())
                trainer_->request_state_snapshot(session_.incoming_snapshot(), session_.next_snapshot_step());
        }
        if (!session_.running()) park_and_collect();  // it diverged and parked itself
    } else if (session_.model() != nullptr && !rebuilding &&
               (session_.preview_dirty() || (running && begin - last_preview_ >= kPreviewIntervalSeconds))) {
        session_.apply(command::RefreshSamples{});
        last_preview_ = clock_();
        refreshed = true;
        if (running) want_state_snapshot(begin);  // taken at the end of the next iteration
    }
    if (running && !trainer_) {
        const bool must_step = !refreshed || part_seconds_ > slice_seconds_;
        train_slice(slice_seconds_ - (clock_() - begin), must_step);
    }
    const double now = clock_();
    compute_seconds_ = now - begin;
    if (!session_.running()) {
        was_running_ = false;
        iters_per_sec_ = 0;
    }
    update_rate(now);
}

void Driver::want_state_snapshot(double now) {
    if (now - last_state_snapshot_ < kSnapshotIntervalSeconds) return;
    session_.want_state_snapshot();
    last_state_snapshot_ = now;
}

void Driver::update_rate(double now) {
    if (!session_.running()) return;
    const double elapsed = now - rate_start_;
    if (elapsed < 1.0) return;
    const int64_t step = session_.step();
    iters_per_sec_ = double(step - rate_start_step_) / elapsed;
    session_.note_rate(iters_per_sec_);
    rate_start_ = now;
    rate_start_step_ = step;
}

void Driver::record_frame_work(double seconds) { frame_work_.add(seconds * 1000.0); }

DriverStatus Driver::status() const {
    DriverStatus s;
    s.trainer_thread = trainer_ != nullptr;
    s.iters_per_sec = iters_per_sec_;
    s.train_slice_ms = trainer_ ? 0.0 : slice_seconds_ * 1000.0;  // no slices on a trainer thread
    s.frame_ms = frame_seconds_ * 1000.0;
    s.frame_ms_median = frame_intervals_.quantile(0.5);
    s.frame_ms_p95 = frame_intervals_.quantile(0.95);
    s.frame_work_ms_median = frame_work_.quantile(0.5);
    s.frame_work_ms_p95 = frame_work_.quantile(0.95);
    return s;
}

}  // namespace ganvas
