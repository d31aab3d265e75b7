// progress.cpp - see progress.h.
#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace ganvas_cli {

bool stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }

Progress::Progress(int64_t total, bool interactive)
    : total_(total), interactive_(interactive), start_(std::chrono::steady_clock::now()), last_print_(start_) {}

static std::string format_seconds(double s) {
    char buf[32];
    const long t = long(s + 0.5);
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    return buf;
}

void Progress::update(int64_t done, const std::string& detail) {
    const auto now = std::chrono::steady_clock::now();
    const double since_print = std::chrono::duration<double>(now - last_print_).count();
    // A terminal redraws 10x a second; a log gets a line every 10 seconds.
    if (since_print < (interactive_ ? 0.1 : 10.0) && done < total_) return;
    last_print_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? done / elapsed : 0;
    const double eta = rate > 0 ? (total_ - done) / rate : 0;
    const double fraction = total_ > 0 ? double(done) / total_ : 1.0;
    if (interactive_) {
        const int width = 30, filled = int(fraction * width);
        std::string bar(size_t(filled), '#');
        bar.resize(width, '.');
        std::fprintf(stderr, "\r[%s] %3d%% %lld/%lld  %.1f it/s  ETA %s  %s\033[K", bar.c_str(), int(fraction * 100),
                     (long long)done, (long long)total_, rate, format_seconds(eta).c_str(), detail.c_str());
    } else {
        std::fprintf(stderr, "step %lld/%lld (%d%%)  %.1f it/s  ETA %s  %s\n", (long long)done, (long long)total_,
                     int(fraction * 100), rate, format_seconds(eta).c_str(), detail.c_str());
    }
    std::fflush(stderr);
}

void Progress::finish(const std::string& detail) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (interactive_) std::fputc('\n', stderr);
    std::fprintf(stderr, "done: %lld steps in %s (%.1f it/s)  %s\n", (long long)total_, format_seconds(elapsed).c_str(),
                 elapsed > 0 ? total_ / elapsed : 0.0, detail.c_str());
}

}  // namespace ganvas_cli
