// progress.h - progress reporting for long CLI runs: a live bar with ETA on a terminal,
// plain periodic lines when the output is a file or a CI log.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ganvas_cli {

class Progress {
public:
    Progress(int64_t total, bool interactive);
    // Call after each unit of work; `detail` is shown after the counts.
    void update(int64_t done, const std::string& detail);
    void finish(const std::string& detail);

private:
    int64_t total_;
    bool interactive_;
    std::chrono::steady_clock::time_point start_, last_print_;
};

// True when stderr is a terminal (the bar is drawn on stderr).
bool stderr_is_terminal();

}  // namespace ganvas_cli
