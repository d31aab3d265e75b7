// train_command.cpp - `ganvas train`: train from a preset, write losses.csv, samples.png and
// checkpoint.safetensors into an output folder.
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "io/checkpoint.h"
#include "base/file_io.h"
#include "cli.h"
#include "gan/gan.h"
#include "gan/streams.h"
#include "io/image.h"
#include "progress.h"

namespace ganvas_cli {

static const char* kTrainUsage =
    "usage: ganvas train [--preset NAME] [--steps N] [--seed S] [--out DIR] [--data IMAGES.idx]\n"
    "\n"
    "Trains the GAN and writes into DIR:\n"
    "  losses.csv               step,epoch,d_loss,g_loss,d_real,d_fake for every step\n"
    "  samples.png              8x8 grid of G(z) for 64 fixed z (drawn from the seed), 3x scale\n"
    "  checkpoint.safetensors   generator, discriminator and Adam state (PyTorch-compatible names)\n"
    "\n"
    "options:\n"
    "  --preset NAME   training recipe (default: seed, the user's PyTorch program)\n"
    "  --steps N       training iterations, each one D step and one G step (default: 3000)\n"
    "  --seed S        seeds weights, noise and data order; same seed, same run (default: 1)\n"
    "  --out DIR       output folder, created if missing (default: runs/<preset>-<seed>)\n"
    "  --data FILE     IDX image file (default: the 10,000 MNIST digits built with Ganvas)\n";

static bool make_dirs(const std::string& path) {
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            const std::string part = path.substr(0, i);
            if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
        }
    }
    return true;
}

int run_train(const std::vector<std::string>& args) {
    std::string preset = "seed", out_dir, data_path = GANVAS_DEFAULT_MNIST_IMAGES;
    long long steps = 3000, seed = 1;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kTrainUsage, stdout);
            return 0;
        }
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "ganvas train: '%s' needs a value (or is unknown)\n\n%s", a.c_str(), kTrainUsage);
            return 2;
        }
        const std::string& v = args[++i];
        if (a == "--preset") preset = v;
        else if (a == "--out") out_dir = v;
        else if (a == "--data") data_path = v;
        else if (a == "--steps" && parse_int(v, 1, 100000000, &steps)) continue;
        else if (a == "--seed" && parse_int(v, 0, (1LL << 53), &seed)) continue;
        else {
            std::fprintf(stderr, "ganvas train: bad option or value: %s %s\n\n%s", a.c_str(), v.c_str(), kTrainUsage);
            return 2;
        }
    }
    ganvas::GanConfig config;
    if (!ganvas::gan_config_preset(preset, &config)) {
        std::fprintf(stderr, "ganvas train: unknown preset '%s'; known presets:", preset.c_str());
        for (const auto& name : ganvas::gan_config_preset_names()) std::fprintf(stderr, " %s", name.c_str());
        std::fputc('\n', stderr);
        return 2;
    }
    if (out_dir.empty()) out_dir = "runs/" + preset + "-" + std::to_string(seed);

    ganvas::Dataset data;
    const ganvas::Status loaded = ganvas::dataset_load_idx(data_path, "", &data);
    if (!loaded) {
        std::fprintf(stderr, "ganvas train: cannot load the data: %s\n", loaded.message.c_str());
        return 1;
    }
    if (data.count < config.batch_size) {
        std::fprintf(stderr, "ganvas train: %d images are fewer than one batch of %d\n", data.count, config.batch_size);
        return 1;
    }
    if (!make_dirs(out_dir)) {
        std::fprintf(stderr, "ganvas train: cannot create the folder %s: %s\n", out_dir.c_str(), std::strerror(errno));
        return 1;
    }
    const std::string csv_path = out_dir + "/losses.csv";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> csv(std::fopen(csv_path.c_str(), "w"), &std::fclose);
    if (!csv) {
        std::fprintf(stderr, "ganvas train: cannot create %s\n", csv_path.c_str());
        return 1;
    }
    std::fputs("step,epoch,d_loss,g_loss,d_real,d_fake\n", csv.get());

    std::printf("training preset '%s', seed %lld, %lld steps on %d images -> %s\n", preset.c_str(), seed, steps,
                data.count, out_dir.c_str());
    std::fflush(stdout);
    auto gan = std::make_unique<ganvas::Gan>(config, uint64_t(seed));
    Progress progress(steps, stderr_is_terminal());
    ganvas::StepStats stats;
    for (long long i = 0; i < steps; ++i) {
        stats = gan->train_step(data);
        std::fprintf(csv.get(), "%lld,%lld,%.6f,%.6f,%.6f,%.6f\n", (long long)stats.step, (long long)gan->epoch(),
                     stats.d_loss, stats.g_loss, stats.d_real, stats.d_fake);
        if (!std::isfinite(stats.d_loss) || !std::isfinite(stats.g_loss)) {
            std::fprintf(stderr, "\nganvas train: the run diverged at step %lld (a loss is not finite); "
                                 "losses so far are in %s\n", (long long)stats.step, csv_path.c_str());
            return 1;
        }
        char detail[96];
        std::snprintf(detail, sizeof detail, "d_loss %.3f  g_loss %.3f", stats.d_loss, stats.g_loss);
        progress.update(i + 1, detail);
    }
    char detail[96];
    std::snprintf(detail, sizeof detail, "d_loss %.3f  g_loss %.3f", stats.d_loss, stats.g_loss);
    progress.finish(detail);

    // The z of (seed, 0..63), as the page's grid; BatchNorm with this batch's statistics
    // (TrainNoUpdate), as the seed shows its training-mode samples.
    ganvas::Matrix z(64, config.latent_dim), images(64, config.image_pixels);
    ganvas::sample_z_rows(uint64_t(seed), 0, ganvas::view_of(z));
    gan->generate(ganvas::const_view_of(z), ganvas::view_of(images), ganvas::BatchNormMode::TrainNoUpdate);
    ganvas::GreyImage grid;
    ganvas::image_tile_grid(ganvas::const_view_of(images), 28, 8, 1, &grid);
    const std::string png_path = out_dir + "/samples.png";
    const std::string ckpt_path = out_dir + "/checkpoint.safetensors";
    ganvas::Status s = png_write_grey(png_path, grid, 3);
    const std::vector<uint8_t> ckpt = ganvas::checkpoint_serialize(*gan);
    if (s) s = ganvas::file_write_all(ckpt_path, ckpt);
    if (!s) {
        std::fprintf(stderr, "ganvas train: %s\n", s.message.c_str());
        return 1;
    }
    std::printf("wrote %s\nwrote %s\nwrote %s (content hash %s)\n", csv_path.c_str(), png_path.c_str(),
                ckpt_path.c_str(), ganvas::content_hash_hex(ckpt.data(), ckpt.size()).c_str());
    return 0;
}

}  // namespace ganvas_cli
