// parse.cpp - argument parsing shared by the `ganvas` subcommands.
#include <cerrno>
#include <cstdlib>

#include "cli.h"

namespace ganvas_cli {

bool parse_int(const std::string& text, long long lo, long long hi, long long* out) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno || end == text.c_str() || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

}  // namespace ganvas_cli
