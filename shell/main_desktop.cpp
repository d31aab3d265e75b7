// main_desktop.cpp - the native entry: an SDL2 window running the shared frame in a `while` loop.
//
//   ganvas-desktop [--assets DIR] [--seed N] [--threads N] [--checkpoint FILE] [--start]
//                  [--data IMAGES [--labels LABELS]]
//                  [--frames N] [--quit-after-seconds S] [--screenshot out.png]
// --threads: threads a training step uses (default: every core but one, which draws).
// --frames / --quit-after-seconds end the loop cleanly (for smoke tests under xvfb-run);
// --screenshot saves the last frame as a PNG before exiting.
// --checkpoint loads a safetensors checkpoint at start (a bad file is an error, exit 1); the
// Training window's "Load checkpoint..." button reloads that file (disabled without the
// option: no file dialog here), and "Save checkpoint" writes ./ganvas-step<N>.safetensors.
// --data / --labels: train on your own 28x28 IDX images (gzip or not) instead of the built-in
// digits, as the page's "Load images..." does (command::LoadData; a refusal is an error, exit 1);
// the Real digits window's "Load images..." reads those files again.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "gan/settings.h"
#include "base/file_io.h"
#include "window.h"

#if GANVAS_HAVE_STB_IMAGE_WRITE
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#endif

#ifndef GANVAS_DEFAULT_ASSETS_DIR
#define GANVAS_DEFAULT_ASSETS_DIR "assets"
#endif
#ifndef GANVAS_UI_FONT
#define GANVAS_UI_FONT ""  // ImGui's built-in font
#endif

namespace {

struct Options {
    std::string assets_dir = GANVAS_DEFAULT_ASSETS_DIR;
    std::string screenshot;
    std::string checkpoint;
    std::string data, labels;
    std::string preset = "seed";
    std::vector<std::string> sets;
    uint64_t seed = 1;
    int threads = 0;            // 0: the session's default
    bool start = false;
    long max_frames = 0;        // 0: no limit
    double quit_after = 0;      // seconds; 0: no limit
    int width = 1280, height = 800;
    float ui_scale = 0;         // 0: from the display (window.h)
    std::string font = GANVAS_UI_FONT;
};

// The command line, CLI11's rules (ganvas_cli11): --help, "needs a value", "not a number" and
// ranges come from it. Returns -1 to go on, else the code main() returns (0 after --help,
// 2 after a bad command line, with the reason printed).
int parse_options(int argc, char** argv, Options* out) {
    CLI::App cli{"The Ganvas desktop window: a GAN training live on MNIST.", "ganvas-desktop"};
    cli.add_option("--assets", out->assets_dir, "folder holding the MNIST IDX files")->capture_default_str();
    cli.add_option("--preset", out->preset, "the model's preset (seed: the user's PyTorch program)")
        ->capture_default_str()
        ->check(CLI::IsMember(ganvas::gan_config_preset_names()));
    cli.add_option("--set", out->sets, "set one setting, as `ganvas train --set` (repeatable; `ganvas train --help` lists them)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    cli.add_option("--seed", out->seed, "seed of the model (weights, noise, data order)")->capture_default_str();
    cli.add_option("--threads", out->threads, "threads a training step uses (default: every core but one)")
        ->check(CLI::Range(1, 1024));
    cli.add_option("--checkpoint", out->checkpoint,
                   "load this safetensors checkpoint at start; \"Load checkpoint...\" reloads it");
    CLI::Option* data = cli.add_option("--data", out->data, "IDX images to train on, gzip or not (default: the built-in digits)")
                            ->check(CLI::ExistingFile);
    cli.add_option("--labels", out->labels, "with --data: its IDX labels, gzip or not")->check(CLI::ExistingFile)->needs(data);
    cli.add_flag("--start", out->start, "start training at once");
    cli.add_option("--frames", out->max_frames, "quit after N frames")->check(CLI::NonNegativeNumber);
    cli.add_option("--quit-after-seconds", out->quit_after, "quit after S seconds")->check(CLI::NonNegativeNumber);
    cli.add_option("--screenshot", out->screenshot, "save the last frame as a PNG before quitting");
    cli.add_option("--size", [out](const CLI::results_t& r) {
        return r.size() == 1 && std::sscanf(r[0].c_str(), "%dx%d", &out->width, &out->height) == 2 &&
               out->width >= 200 && out->height >= 200;
    }, "the window's size in logical pixels, e.g. 390x844 (default 1280x800)")->type_name("WxH");
    cli.add_option("--ui-scale", out->ui_scale, "text and spacing scale (default: the display's DPI / 96)")
        ->check(CLI::Range(0.5, 4.0));
    cli.add_option("--font", out->font, "TrueType font file for the text")->capture_default_str();
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e) == 0 ? 0 : 2;  // prints the help, or what was wrong
    }
    ganvas::GanConfig check;  // refuse a bad --set here, with the command line's rules
    ganvas::gan_config_preset(out->preset, &check);
    for (const std::string& assignment : out->sets)
        if (const ganvas::Status s = ganvas::settings_set_assignment(&check, assignment); !s) {
            std::fprintf(stderr, "ganvas-desktop: --set %s: %s\nRun with --help for more information.\n", assignment.c_str(),
                         s.message.c_str());
            return 2;
        }
    return -1;
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

// Reads the user's images (and labels) into the app (command::LoadData); the status line says how it went.
ganvas::Status load_data_files(ganvas::App& app, const std::string& images, const std::string& labels) {
    ganvas::command::LoadData load;
    load.name = images;
    if (ganvas::Status read = ganvas::file_read_all(images, &load.images); !read) {
        app.show_message("Cannot train on " + images + ": " + read.message, true);
        return read;
    }
    if (!labels.empty())
        if (ganvas::Status read = ganvas::file_read_all(labels, &load.labels); !read) {
            app.show_message("Cannot train on " + images + ": its labels: " + read.message, true);
            return read;
        }
    return app.run(std::move(load));
}

void save_checkpoint_file(ganvas::App& app) {
    const std::vector<uint8_t> bytes = app.save_checkpoint();  // finishes a begun step: name it after
    const std::string path = "ganvas-step" + std::to_string(app.status().step) + ".safetensors";
    const ganvas::Status written = ganvas::file_write_all(path, bytes);
    if (written)
        app.show_message("Saved checkpoint: " + path);
    else
        app.show_message("Cannot save the checkpoint: " + written.message, true);
    std::printf("ganvas-desktop: %s\n", app.status().message.c_str());
}

// The Digit window's hooks: the digit as a PNG in the working directory (10x, pixels
// replicated), the shipped generator from the assets folder.
void save_digit_png(ganvas::App& app, const ganvas::GreyImage& digit, const std::string& name) {
    constexpr int kScale = 10;
    ganvas::RgbaImage big{digit.width * kScale, digit.height * kScale, {}};
    big.pixels.resize(size_t(big.width) * big.height * 4, 255);
    for (int y = 0; y < big.height; ++y)
        for (int x = 0; x < big.width; ++x)
            for (int c = 0; c < 3; ++c)
                big.pixels[(size_t(y) * big.width + x) * 4 + c] = digit.pixels[size_t(y / kScale) * digit.width + x / kScale];
    if (write_png(name, big))
        app.show_message("Saved the digit: " + name);
    else
        app.show_message("Cannot save the digit as " + name, true);
}

void load_shipped_generator(ganvas::App& app, const std::string& assets_dir) {
    const std::string path = assets_dir + "/shipped-generator.safetensors";
    std::vector<uint8_t> bytes;
    if (!ganvas::file_read_all(path, &bytes)) {
        app.show_message("The shipped generator is missing (" + path + "): build the ganvas_shipped_generator target.", true);
        return;
    }
    app.load_generator(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (const int code = parse_options(argc, argv, &options); code >= 0) return code;

    ganvas::Window window;
    ganvas::WindowConfig window_config;
    window_config.width = options.width;
    window_config.height = options.height;
    window_config.display_scale = options.ui_scale;
    window_config.font_file = options.font;
    if (ganvas::Status opened = window.open(window_config); !opened) {
        std::fprintf(stderr, "ganvas-desktop: %s\n", opened.message.c_str());
        return 1;
    }
    ganvas::AppConfig config = ganvas::app_config_for_assets_dir(options.assets_dir);
    config.preset = options.preset;
    config.sets = options.sets;
    config.seed = options.seed;
    config.threads = options.threads;
    ganvas::App app(config);
    if (!app.status().error.empty()) std::fprintf(stderr, "ganvas-desktop: %s\n", app.status().error.c_str());
    ganvas::CheckpointHooks hooks;
    hooks.save = save_checkpoint_file;
    hooks.download_png = save_digit_png;
    hooks.load_shipped_generator = [dir = options.assets_dir](ganvas::App& a) { load_shipped_generator(a, dir); };
    if (!options.data.empty()) {
        if (ganvas::Status loaded = load_data_files(app, options.data, options.labels); !loaded) {
            std::fprintf(stderr, "ganvas-desktop: %s\n", loaded.message.c_str());
            return 1;
        }
        std::printf("ganvas-desktop: %s\n", app.status().message.c_str());
        hooks.load_data = [images = options.data, labels = options.labels](ganvas::App& a) {
            load_data_files(a, images, labels);
        };
    }
    if (!options.checkpoint.empty()) {
        if (ganvas::Status loaded = load_checkpoint_file(app, options.checkpoint); !loaded) {
            std::fprintf(stderr, "ganvas-desktop: %s: %s\n", options.checkpoint.c_str(), loaded.message.c_str());
            return 1;
        }
        std::printf("ganvas-desktop: %s\n", app.status().message.c_str());
        hooks.load = [path = options.checkpoint](ganvas::App& a) { load_checkpoint_file(a, path); };
    }
    app.set_checkpoint_hooks(std::move(hooks));
    if (options.start) app.run(ganvas::command::Start{});

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
                static_cast<long long>(s.step), s.last.d_loss, s.last.g_loss, s.iters_per_sec);
    if (!options.screenshot.empty()) {
        if (shot.pixels.empty() || !write_png(options.screenshot, shot)) {
            std::fprintf(stderr, "ganvas-desktop: could not write the screenshot %s\n", options.screenshot.c_str());
            return 1;
        }
        std::printf("ganvas-desktop: screenshot %s (%dx%d)\n", options.screenshot.c_str(), shot.width, shot.height);
    }
    return 0;
}
