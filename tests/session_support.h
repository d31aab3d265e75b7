// session_support.h - what the tests of the app's session (shell/session.h) share: a session on
// the test digits, one thread, seed `seed`.
#pragma once

#include <cstdint>

#include "session.h"

namespace ganvas_test {

inline ganvas::SessionConfig session_test_config(uint64_t seed = 1) {
    ganvas::SessionConfig c;
    c.images_path = GANVAS_TEST_MNIST_IMAGES;
    c.labels_path = GANVAS_TEST_MNIST_LABELS;
    c.seed = seed;
    c.threads = 1;
    return c;
}

}  // namespace ganvas_test
