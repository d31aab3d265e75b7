// test_trainer_thread.cpp - the app's trainer thread (shell/trainer_thread.h) trains exactly
// what the calling thread would, reports every iteration in order, samples on request, and
// hands the model back (park) between parts of a step. Native only: it needs threads, and it uses
// only the core, so it runs without a window.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "io/checkpoint.h"
#include "gan/gan.h"
#include "base/parallel.h"
#include "test_support.h"
#include "trainer_thread.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

namespace {

Matrix fixed_noise(int rows, int latent) {
    Matrix z(rows, latent);
    Rng rng(5, 6);
    rng.fill_normal(z.data(), size_t(z.size()));
    return z;
}

// Takes reports until `done` says so (or 60 s pass), appending every iteration to `all`.
template <typename Done>
void take_until(TrainerThread& t, std::vector<StepStats>* all, Matrix* samples, Done done) {
    TrainerThread::Report r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        t.take(&r, samples);
        all->insert(all->end(), r.iterations.begin(), r.iterations.end());
        if (done(r)) return;
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace

TEST_CASE("The trainer thread trains the bits the calling thread does and reports every iteration",
          "[trainer_thread]") {
    REQUIRE(TrainerThread::available());
    Gan here(seed_config(), 1), there(seed_config(), 1);
    const Matrix noise = fixed_noise(16, here.config().latent_dim);
    TrainerThread trainer;
    trainer.attach(&there, &mnist(), &noise);
    std::vector<StepStats> reported;
    Matrix samples(16, there.config().image_pixels);
    trainer.resume();
    take_until(trainer, &reported, &samples, [](const TrainerThread::Report& r) { return r.step >= 12; });
    trainer.park();
    take_until(trainer, &reported, &samples, [](const TrainerThread::Report&) { return true; });

    // Parked: the model is ours again. Finish a begun iteration like command::SaveCheckpoint (shell/session.h).
    StepStats last;
    if (there.mid_iteration())
        while (!there.train_part(mnist(), &last)) {
        }
    INFO("trained " << there.step() << " iterations on the trainer thread");
    REQUIRE(there.step() >= 12);
    REQUIRE(int64_t(reported.size()) >= there.step() - 1);
    for (size_t i = 0; i < reported.size(); ++i) CHECK(reported[i].step == int64_t(i) + 1);  // all, in order

    while (here.step() < there.step()) here.train_step(mnist());
    CHECK(checkpoint_serialize(here) == checkpoint_serialize(there));

    // Resumed after the calling thread used the model, it carries on from there.
    trainer.resume();
    take_until(trainer, &reported, &samples, [&](const TrainerThread::Report& r) { return r.step >= here.step() + 3; });
    trainer.park();
}

TEST_CASE("The trainer thread makes samples when asked, between parts of a step", "[trainer_thread]") {
    Gan gan(seed_config(), 1);
    const Matrix noise = fixed_noise(8, gan.config().latent_dim);
    TrainerThread trainer;
    trainer.attach(&gan, &mnist(), &noise);
    Matrix samples = Matrix::Constant(8, gan.config().image_pixels, 7.0f);  // not a tanh output
    std::vector<StepStats> reported;
    trainer.request_samples();
    trainer.resume();
    take_until(trainer, &reported, &samples, [](const TrainerThread::Report& r) { return r.have_samples; });
    trainer.park();
    REQUIRE(samples.rows() == 8);
    REQUIRE(samples.cols() == gan.config().image_pixels);
    for (int i = 0; i < samples.size(); ++i) {
        const float v = samples.data()[i];
        REQUIRE((std::isfinite(v) && v >= -1.0f && v <= 1.0f));
    }
}

TEST_CASE("Destroying a running trainer thread stops it cleanly", "[trainer_thread]") {
    Gan gan(seed_config(), 1);
    const Matrix noise = fixed_noise(4, gan.config().latent_dim);
    {
        TrainerThread trainer;
        trainer.attach(&gan, &mnist(), &noise);
        trainer.resume();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }  // joins here, before `gan` goes away
    CHECK(gan.step() >= 0);
}
