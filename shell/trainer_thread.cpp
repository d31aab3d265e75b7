// trainer_thread.cpp - see trainer_thread.h.
#include "trainer_thread.h"

#include <cassert>
#include <cmath>
#include <utility>

#include "base/parallel.h"

namespace ganvas {

bool TrainerThread::available() { return thread_limit() > 1; }

void copy_generator_snapshot(const Sequential& from, Sequential* to) {
    if (to->layers.size() != from.layers.size() || to->params.size() != from.params.size() ||
        to->buffers.size() != from.buffers.size()) {
        to->layers = from.layers;
        to->tensors = from.tensors;
        to->grads.clear();
    }
    to->params = from.params;  // same sizes: no allocation
    to->buffers = from.buffers;
    to->counters = from.counters;
}

TrainerThread::~TrainerThread() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        run_ = false;
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void TrainerThread::attach(Gan* gan, const Dataset* data, const Matrix* noise) {
    std::lock_guard<std::mutex> lock(mutex_);
    assert(!run_ && !busy_ && "TrainerThread::attach: park() first");
    gan_ = gan;
    data_ = data;
    noise_ = noise;
    samples_.resize(noise->rows(), gan->config().image_pixels);
    copy_generator_snapshot(gan->sample_generator(), &snapshot_);
    report_ = Report{};
    report_.step = gan->step();
    report_.epoch = gan->epoch();
    samples_wanted_ = false;
    state_into_ = nullptr;
}

void TrainerThread::resume(int64_t stop_at) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        assert(gan_ != nullptr && "TrainerThread::resume: attach() first");
        run_ = true;
        stop_at_ = stop_at;
    }
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    wake_.notify_all();
}

void TrainerThread::park() {
    std::unique_lock<std::mutex> lock(mutex_);
    run_ = false;
    // Poll rather than wait on a condition variable: a browser's main thread must not block
    // (Emscripten warns), and the wait is at most one part of a step (Gan::train_part).
    while (busy_) {
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
    }
}

void TrainerThread::request_samples() {
    std::lock_guard<std::mutex> lock(mutex_);
    samples_wanted_ = true;
}

void TrainerThread::request_state_snapshot(GanSnapshot* into, int64_t min_step) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_into_ = into;
    state_min_step_ = min_step;
}

void TrainerThread::take(Report* out, Matrix* samples, Sequential* snapshot) {
    std::lock_guard<std::mutex> lock(mutex_);
    out->iterations.clear();
    std::swap(out->iterations, report_.iterations);  // both vectors keep their capacity
    out->step = report_.step;
    out->epoch = report_.epoch;
    out->diverged = std::exchange(report_.diverged, false);
    out->have_state = std::exchange(report_.have_state, false);
    out->weights_diverged.clear();
    std::swap(out->weights_diverged, report_.weights_diverged);
    out->have_samples = std::exchange(report_.have_samples, false);
    out->samples_step = report_.samples_step;
    if (out->have_samples) {
        std::swap(*samples, samples_);
        if (snapshot) std::swap(*snapshot, snapshot_);
    }
}

void TrainerThread::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return run_ || quit_; });
        if (quit_) return;
        if (stop_at_ >= 0 && gan_->step() >= stop_at_ && !gan_->mid_iteration()) {
            run_ = false;  // the step it was told to stop at: park (the driver sees the step)
            continue;
        }
        busy_ = true;
        const bool make_samples = samples_wanted_;
        GanSnapshot* const state_into = state_into_;
        const int64_t state_min_step = state_min_step_;
        lock.unlock();

        StepStats done;
        const bool completed = gan_->train_part(*data_, &done);
        const bool finite = step_divergence(done) == Divergence::None;
        // A state snapshot (off the hot path: every few seconds) checks the weights as it copies.
        const bool make_state = state_into != nullptr && completed && finite && gan_->step() >= state_min_step;
        std::string weights_why;
        const bool state_ok = make_state && gan_snapshot_take(*gan_, state_into, &weights_why) == Divergence::None;
        // Between iterations only, so the snapshot is a whole step's G (else at the next one).
        const bool made_samples = make_samples && completed && finite;
        if (made_samples) {
            gan_->generate(const_view_of(*noise_), view_of(samples_), BatchNormMode::TrainNoUpdate);
            copy_generator_snapshot(gan_->sample_generator(), &snapshot_);
        }
        const int64_t step = gan_->step(), epoch = gan_->epoch();

        lock.lock();
        if (made_samples) {
            samples_wanted_ = false;
            report_.samples_step = step;
        }
        if (completed) {
            report_.iterations.push_back(done);
            if (!finite) {  // stop here: the session rolls back to a snapshot and says so
                report_.diverged = true;
                run_ = false;
            }
        }
        if (made_samples) report_.have_samples = true;
        if (make_state) {
            state_into_ = nullptr;
            if (state_ok) {
                report_.have_state = true;
            } else {  // diverged weights: stop here, the session rolls back
                report_.weights_diverged = weights_why;
                run_ = false;
            }
        }
        report_.step = step;
        report_.epoch = epoch;
        busy_ = false;
    }
}

}  // namespace ganvas
