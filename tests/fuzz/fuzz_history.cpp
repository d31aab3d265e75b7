// fuzz_history.cpp - the kept run's loss history (TrainingHistory::from_json, shell/session.h):
// JSON text the page reads back from IndexedDB, which any script of the page's origin can write.
// The first byte picks the history's capacity (2..16 points) and the model's step (0..31); the
// rest is the text. A refused text leaves the history as it was and says why; an accepted one
// writes back to the same text, keeps under its capacity, and goes on training (add) without
// undefined behaviour however extreme the numbers it held.
#include <limits>

#include "fuzz_support.h"
#include "session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const int capacity = 2 * (1 + data[0] % 8);
    const int64_t step = data[0] / 8;
    const std::string text = ganvas_fuzz::text_of(data + 1, size - 1);
    ganvas::TrainingHistory h(capacity);
    const std::string before = h.to_json(step);
    const ganvas::Status s = h.from_json(text, step);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        FUZZ_CHECK(h.to_json(step) == before);
        return 0;
    }
    FUZZ_CHECK(h.capacity() == capacity);
    const std::string json = h.to_json(step);
    ganvas::TrainingHistory back(capacity);
    FUZZ_CHECK(back.from_json(json, step).ok);
    FUZZ_CHECK(back.to_json(step) == json);
    // Training on: every point averages the loaded sums, however large (a float of them must exist).
    ganvas::StepStats stats;
    stats.d_loss = std::numeric_limits<float>::max();
    stats.g_loss = -std::numeric_limits<float>::max();
    stats.d_real = 0.5f;
    stats.d_fake = std::numeric_limits<float>::quiet_NaN();
    for (int i = 0; i < 2 * h.steps_per_point() && i < 4096; ++i) {
        h.add(stats);
        FUZZ_CHECK(int(h.d_loss().size()) < capacity);
    }
    return 0;
}
