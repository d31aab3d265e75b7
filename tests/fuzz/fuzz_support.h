// fuzz_support.h - what every libFuzzer harness shares (tests/fuzz/README.md).
//
// A harness feeds the bytes to one parser of outside input. A crash, a sanitizer report or a
// broken invariant is a bug: FUZZ_CHECK traps (libFuzzer then saves the input as crash-*).
// The invariants are the parsers' promises: an accepted input writes back to something the
// parser accepts again, with the same meaning; a refused one has a message a person can read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            __builtin_trap();                                                               \
        }                                                                                   \
    } while (0)

namespace ganvas_fuzz {
inline std::string text_of(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }
}  // namespace ganvas_fuzz
