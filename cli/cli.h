// cli.h - pieces shared by the `ganvas` subcommands.
#pragma once

#include <string>
#include <vector>

#include "io/image.h"
#include "base/status.h"

namespace ganvas_cli {

// Each subcommand: returns the process exit code, prints its own errors.
int run_train(const std::vector<std::string>& args);
int run_sample(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);

// Parses a whole decimal integer in [lo, hi]; false (and *out unchanged) otherwise.
bool parse_int(const std::string& text, long long lo, long long hi, long long* out);

ganvas::Status png_write_grey(const std::string& path, const ganvas::GreyImage& image, int scale);

}  // namespace ganvas_cli
