// main_desktop.cpp - the native entry: an SDL2 window running the shared frame in a `while` loop.
//
//   ganvas-desktop [--assets DIR] [--seed N] [--threads N] [--checkpoint FILE] [--start]
//                  [--frames N] [--quit-after-seconds S] [--screenshot out.png]
// --threads: threads a training step uses (default: every core but one, which draws).
// --frames / --quit-after-seconds end the loop cleanly (for smoke tests under xvfb-run);
// --screenshot saves the last frame as a PNG before exiting.
// --checkpoint loads a safetensors checkpoint at start (a bad file is an error, exit 1); the
// Training window's "Load checkpoint..." button reloads that file (disabled without the
// option: no file dialog here), and "Save checkpoint" writes ./ganvas-step<N>.safetensors.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "base/file_io.h"
#include "window.h"

#if GANVAS_HAVE_STB_IMAGE_WRITE
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#endif

#ifndef GANVAS_DEFAULT_ASSETS_DIR
#define GANVAS_DEFAULT_ASSETS_DIR "assets"
#endif

namespace {

struct Options {
    std::string assets_dir = GANVAS_DEFAULT_ASSETS_DIR;
    std::string screenshot;
    std::string checkpoint;
    uint64_t seed = 1;
    long threads = 0;           // 0: the app's default
    bool start = false;
    long max_frames = 0;        // 0: no limit
    double quit_after = 0;      // seconds; 0: no limit
};

const char* kUsage =
    "usage: ganvas-desktop [--assets DIR] [--seed N] [--threads N] [--checkpoint FILE] [--start]\n"
    "                      [--frames N] [--quit-after-seconds S] [--screenshot out.png]\n";

// Returns false (after printing why) on a bad command line.
bool parse_options(int argc, char** argv, Options* out) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char** v) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "ganvas-desktop: %s needs a value\n%s", arg.c_str(), kUsage);
                return false;
            }
            *v = argv[++i];
            return true;
        };
        const char* v = nullptr;
        char* end = nullptr;
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (arg == "--start") {
            out->start = true;
        } else if (arg == "--assets") {
            if (!value(&v)) return false;
            out->assets_dir = v;
        } else if (arg == "--checkpoint") {
            if (!value(&v)) return false;
            out->checkpoint = v;
        } else if (arg == "--screenshot") {
            if (!value(&v)) return false;
            out->screenshot = v;
        } else if (arg == "--seed") {
            if (!value(&v)) return false;
            out->seed = std::strtoull(v, &end, 10);
        } else if (arg == "--threads") {
            if (!value(&v)) return false;
            out->threads = std::strtol(v, &end, 10);
            if (out->threads < 1 || out->threads > 1024) {
                std::fprintf(stderr, "ganvas-desktop: --threads must be 1 or more\n");
                return false;
            }
        } else if (arg == "--frames") {
            if (!value(&v)) return false;
            out->max_frames = std::strtol(v, &end, 10);
        } else if (arg == "--quit-after-seconds") {
            if (!value(&v)) return false;
            out->quit_after = std::strtod(v, &end);
        } else {
            std::fprintf(stderr, "ganvas-desktop: unknown option '%s'\n%s", arg.c_str(), kUsage);
            return false;
        }
        if (end != nullptr && (*end != '\0' || end == v)) {
            std::fprintf(stderr, "ganvas-desktop: '%s' is not a number for %s\n", v, arg.c_str());
            return false;
        }
    }
    return true;
}

bool write_png(const std::string& path, const ganvas::RgbaImage& image) {
#if GANVAS_HAVE_STB_IMAGE_WRITE
    return stbi_write_png(path.c_str(), image.width, image.height, 4, image.pixels.data(), image.width * 4) != 0;
#else
    (void)image;
    std::fprintf(stderr, "ganvas-desktop: built without stb_image_write.h, cannot write %s\n", path.c_str());
    return false;
#endif
}

// Reads `path` into the app; the app's status line shows the outcome either way.
ganvas::Status load_checkpoint_file(ganvas::App& app, const std::string& path) {
    std::vector<uint8_t> bytes;
    if (ganvas::Status read = ganvas::file_read_all(path, &bytes); !read) {
        app.show_message("Cannot load the checkpoint: " + read.message, true);
        return read;
    }
    return app.load_checkpoint(bytes.data(), bytes.size());
}

void save_checkpoint_file(ganvas::App& app) {
    const std::string path = "ganvas-step" + std::to_string(app.status().step) + ".safetensors";
    const ganvas::Status written = ganvas::file_write_all(path, app.save_checkpoint());
    if (written)
        app.show_message("Saved checkpoint: " + path);
    else
        app.show_message("Cannot save the checkpoint: " + written.message, true);
    std::printf("ganvas-desktop: %s\n", app.status().message.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, &options)) return 2;

    ganvas::Window window;
    if (ganvas::Status opened = window.open(ganvas::WindowConfig{}); !opened) {
        std::fprintf(stderr, "ganvas-desktop: %s\n", opened.message.c_str());
        return 1;
    }
    ganvas::AppConfig config = ganvas::app_config_for_assets_dir(options.assets_dir);
    config.seed = options.seed;
    config.threads = int(options.threads);
    ganvas::App app(config);
    if (!app.status().error.empty()) std::fprintf(stderr, "ganvas-desktop: %s\n", app.status().error.c_str());
    ganvas::CheckpointHooks hooks;
    hooks.save = save_checkpoint_file;
    if (!options.checkpoint.empty()) {
        if (ganvas::Status loaded = load_checkpoint_file(app, options.checkpoint); !loaded) {
            std::fprintf(stderr, "ganvas-desktop: %s: %s\n", options.checkpoint.c_str(), loaded.message.c_str());
            return 1;
        }
        std::printf("ganvas-desktop: %s\n", app.status().message.c_str());
        hooks.load = [path = options.checkpoint](ganvas::App& a) { load_checkpoint_file(a, path); };
    }
    app.set_checkpoint_hooks(std::move(hooks));
    if (options.start) app.start();

    const auto begin = std::chrono::steady_clock::now();
    ganvas::RgbaImage shot;
    for (long frame = 0;; ++frame) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        const bool last = (options.max_frames > 0 && frame + 1 >= options.max_frames) ||
                          (options.quit_after > 0 && elapsed >= options.quit_after);
        const bool want_shot = last && !options.screenshot.empty();
        if (!ganvas::app_run_frame(window, app, want_shot ? &shot : nullptr) || last) break;
    }

    const ganvas::AppStatus s = app.status();
    std::printf("ganvas-desktop: step %lld, d_loss %.4f, g_loss %.4f, %.1f iters/s\n",
                static_cast<long long>(s.step), s.d_loss, s.g_loss, s.iters_per_sec);
    if (!options.screenshot.empty()) {
        if (shot.pixels.empty() || !write_png(options.screenshot, shot)) {
            std::fprintf(stderr, "ganvas-desktop: could not write the screenshot %s\n", options.screenshot.c_str());
            return 1;
        }
        std::printf("ganvas-desktop: screenshot %s (%dx%d)\n", options.screenshot.c_str(), shot.width, shot.height);
    }
    return 0;
}
