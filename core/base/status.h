// status.h - how the core reports failures caused by data it was given.
//
// Programmer errors (a wrong shape passed between two core functions) are asserts.
// Everything a user can cause - a corrupt file, a malformed link, an absurd setting -
// comes back as a Status whose message a person can act on. The core never exits or
// aborts on user input.
#pragma once

#include <string>
#include <utility>

namespace ganvas {

struct Status {
    bool ok = true;
    std::string message;  // empty when ok

    static Status success() { return {}; }
    static Status failure(std::string why) { return {false, std::move(why)}; }
    explicit operator bool() const { return ok; }
};

}  // namespace ganvas
