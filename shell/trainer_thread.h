// trainer_thread.h - training on a thread of its own, so drawing never waits for a step.
//
// Where the build has threads (natively, and the page's threaded build), the app trains here
// while its UI thread only draws: frames stay at the display's rate however long a step takes.
// The one-thread page build has no second thread and trains in slices of each frame instead
// (Driver::train_slice, driver.h).
//
// Who owns the model: while the trainer runs, the model (Gan) and the sample buffer are its
// alone; the UI thread talks to it through a small mailbox under one mutex:
//   UI -> trainer:  resume() / park(), request_samples()
//   trainer -> UI:  finished iterations (StepStats), the step and epoch, a fresh sample batch,
//                   whether the run diverged                                  (take())
// park() returns only once the trainer is idle between parts of a step (Gan::train_part); from then until resume()
// the UI thread may use the model freely (save, load, reset, sample, set_threads). The trainer
// computes on the process's default GEMM pool (core/base/parallel.h); the UI thread samples
// only while the trainer is parked, and if it ever multiplies while the trainer holds the pool,
// its products simply run on its own thread (same bits), never racing the trainer's.
// A run whose loss stops being finite parks itself and reports `diverged`.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "io/dataset.h"
#include "gan/gan.h"
#include "nn/tensor.h"

namespace ganvas {

class TrainerThread {
public:
    // Whether this build can run one (its core was built with threads: core/base/parallel.h).
    static bool available();

    TrainerThread() = default;
    ~TrainerThread();  // parks and joins
    TrainerThread(const TrainerThread&) = delete;
    TrainerThread& operator=(const TrainerThread&) = delete;

    // What to train and where samples go (`samples` sized for `noise`). Only while parked.
    void attach(Gan* gan, const Dataset* data, const Matrix* noise);

    void resume();  // trains part after part until park(); starts the thread once
    void park();    // stops after the current part and waits until the trainer is idle

    // Asks for G(noise) after the next part (BatchNormMode::TrainNoUpdate, as the UI does).
    void request_samples();

    struct Report {
        std::vector<StepStats> iterations;  // completed since the last take(), oldest first
        int64_t step = 0, epoch = 0;         // the model's, after the last part
        bool have_samples = false;           // `samples` passed to take() now holds a fresh batch
        bool diverged = false;               // a loss was not finite: the trainer parked itself
    };
    // Moves out what the trainer produced since the last call. With fresh samples, `samples`
    // is swapped with the trainer's buffer (no copy). Cheap: call it every frame.
    void take(Report* out, Matrix* samples);

private:
    void loop();

    Gan* gan_ = nullptr;
    const Dataset* data_ = nullptr;
    const Matrix* noise_ = nullptr;
    Matrix samples_;  // the trainer's sample buffer

    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;  // the trainer waits here for work (park() polls `busy_`)
    bool run_ = false, busy_ = false, quit_ = false;
    bool samples_wanted_ = false;
    Report report_;
};

}  // namespace ganvas
