// train_command.cpp - `ganvas train`: train from a preset, write losses.csv, samples.png and
// checkpoint.safetensors into an output folder.
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "io/checkpoint.h"
#include "base/file_io.h"
#include "base/hash.h"
#include "base/parallel.h"
#include "cli.h"
#include "gan/gan.h"
#include "gan/settings.h"
#include "gan/streams.h"
#include "io/image.h"
#include "io/link.h"  // dataset_content_hash
#include "progress.h"

namespace ganvas_cli {

// Every setting of the table, for --help: key, type, allowed values, default, help.
static std::string settings_help() {
    std::string out = "presets (--preset NAME: the seed's config with these changes):\n";
    for (const std::string& name : ganvas::gan_config_preset_names()) {
        const std::string changes = ganvas::gan_config_preset_changes(name);
        out += "  " + name + std::string(name.size() < 9 ? 9 - name.size() : 1, ' ') +
               ganvas::gan_config_preset_summary(name) + (changes.empty() ? "" : ": " + changes) + "\n";
    }
    out += "\nsettings (--set KEY=VALUE; lists as 128,256,512; reset-only ones fix the networks' shapes):\n";
    const ganvas::GanConfig defaults;
    for (const ganvas::Setting& s : ganvas::settings_list()) {
        char line[512];
        std::snprintf(line, sizeof line, "  %-13s %-8s %-22s default %-14s %s%s\n", s.key.c_str(), ganvas::setting_type_name(s.type),
                      ganvas::setting_range_text(s).c_str(), ganvas::settings_get_text(defaults, s).c_str(), s.help.c_str(),
                      s.scope == ganvas::SettingScope::Live ? "" : " (reset-only)");
        out += line;
    }
    return out;
}

void train_options(CLI::App& command, TrainArgs* args) {
    const std::string writes =
        "Trains the GAN and writes into DIR:\n"
        "  losses.csv               step,epoch,d_loss,g_loss,d_real,d_fake for every step\n"
        "  samples.png              8x8 grid of G(z) for 64 fixed z (drawn from the seed), 3x scale\n"
        "  checkpoint.safetensors   generator, discriminator, Adam state and the recipe (PyTorch-compatible names)\n"
        "  eval.csv                 with --eval-every K: FD, modes, KL, confident share, class histogram over steps\n"
        "The config is the preset's, then --config FILE's keys, then each --set in order (or all of it\n"
        "from --recipe FILE); each --change then applies once that many steps are done.\n\n";
    command.add_option("--preset", args->preset, "training recipe: seed (the user's PyTorch program), collapse, unstable, stable (listed below)")
        ->capture_default_str()
        ->check(CLI::IsMember(ganvas::gan_config_preset_names()));
    command.add_option("--steps", args->steps, "training iterations")->capture_default_str()->check(CLI::Range(1LL, 100000000LL));
    command.add_option("--seed", args->seed, "seeds weights, noise and data order; same seed, same run")
        ->capture_default_str()
        ->check(CLI::Range(0LL, 1LL << 53));
    command.add_option("--out", args->out_dir, "output folder, created if missing (default: runs/<preset>-<seed>)");
    command.add_option("--data", args->data_path, "IDX image file, gzip or not (default: the 10,000 MNIST digits built with Ganvas)");
    command.add_option("--labels", args->labels_path, "with --data: its IDX labels file, gzip or not (checked, then unused by training)");
    command.add_option("--config", args->config_path, "a config JSON file (as in checkpoints); absent keys keep the preset's")
        ->check(CLI::ExistingFile);
    command.add_option("--set", args->sets, "set one setting, e.g. --set adam_g.lr=0.0001 (repeatable; see below)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    CLI::Option* recipe = command.add_option("--recipe", args->recipe_path,
                                             "a recipe JSON file: config, seed and timeline of changes (as in checkpoints)")
                              ->check(CLI::ExistingFile);
    for (const char* other : {"--preset", "--config", "--set", "--seed"}) recipe->excludes(command.get_option(other));
    command.add_option("--change", args->changes,
                       "change a live setting during the run, e.g. --change 1000:adam_g.lr=0.0001 (repeatable, steps in order)")
        ->type_name("STEP:KEY=VALUE")
        ->allow_extra_args(false);
    command.add_option("--threads", args->threads, "threads for the matrix products (default: every core); same bits for any count")
        ->check(CLI::Range(1, ganvas::thread_limit()));
    command.add_option("--eval-every", args->eval_every,
        "also write eval.csv: step,fd,modes,kl_uniform,confident,h0..h9 (`ganvas eval` of 2,000 samples) at step 0 and every K steps")
        ->check(CLI::Range(1LL, 100000000LL));
    command.add_option("--classifier", args->classifier_path, "with --eval-every or --remedy-at-alert: the classifier (default: the built one)")
        ->check(CLI::ExistingFile);
    command.add_flag("--remedy-at-alert", args->remedy_at_alert,
                     "run the page's diagnosis (1,000 samples every 200 steps) and apply each alert's remedy when it "
                     "is first raised (printed; recorded in the checkpoint's recipe)");
    command.footer(writes + settings_help());
}

// A step count in decimal digits, or -1.
static long long parse_step(const std::string& text) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(text);
}

static bool make_dirs(const std::string& path) {
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            const std::string part = path.substr(0, i);
            if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
        }
    }
    return true;
}

int train_run(const TrainArgs& args) {
    const std::string& preset = args.preset;
    const long long steps = args.steps;
    long long seed = args.seed;
    const std::string data_path = args.data_path.empty() ? GANVAS_DEFAULT_MNIST_IMAGES : args.data_path;
    std::string out_dir = args.out_dir;
    ganvas::GanConfig config;
    if (!ganvas::gan_config_preset(preset, &config)) return cli_usage_error("train", "unknown preset '" + preset + "'");
    if (!args.config_path.empty()) {
        std::vector<uint8_t> bytes;
        ganvas::Status s = ganvas::file_read_all(args.config_path, &bytes);
        if (s) s = ganvas::gan_config_apply_json(std::string(bytes.begin(), bytes.end()), &config);
        if (!s) return cli_usage_error("train", args.config_path + ": " + s.message);
    }
    for (const std::string& assignment : args.sets)
        if (const ganvas::Status s = ganvas::settings_set_assignment(&config, assignment); !s)
            return cli_usage_error("train", "--set " + assignment + ": " + s.message);
    ganvas::Recipe recipe = ganvas::recipe_of(config, uint64_t(seed));
    if (!args.recipe_path.empty()) {
        std::vector<uint8_t> bytes;
        ganvas::Status s = ganvas::file_read_all(args.recipe_path, &bytes);
        if (s) s = ganvas::recipe_from_json(std::string(bytes.begin(), bytes.end()), &recipe);
        if (!s) return cli_usage_error("train", args.recipe_path + ": " + s.message);
        config = recipe.config;
        seed = (long long)recipe.seed;
    }
    for (const std::string& change : args.changes) {
        const size_t colon = change.find(':'), equals = change.find('=');
        long long at = -1;
        if (colon != std::string::npos && equals != std::string::npos && equals > colon)
            at = parse_step(change.substr(0, colon));
        if (at < 0) return cli_usage_error("train", "--change " + change + ": write STEP:KEY=VALUE, e.g. 1000:adam_g.lr=0.0001");
        const ganvas::Status s = ganvas::recipe_add_change(&recipe, at, change.substr(colon + 1, equals - colon - 1),
                                                           change.substr(equals + 1));
        if (!s) return cli_usage_error("train", "--change " + change + ": " + s.message);
    }
    const int threads = ganvas::set_threads(args.threads > 0 ? args.threads : ganvas::max_threads());
    if (out_dir.empty()) out_dir = "runs/" + preset + "-" + std::to_string(seed);

    ganvas::Dataset data;
    const ganvas::Status loaded = ganvas::dataset_load_idx(data_path, args.labels_path, &data);
    if (!loaded) {
        std::fprintf(stderr, "ganvas train: cannot load the data: %s\n", loaded.message.c_str());
        return 1;
    }
    if (data.count < config.batch_size) {
        std::fprintf(stderr, "ganvas train: %d images are fewer than one batch of %d\n", data.count, config.batch_size);
        return 1;
    }
    // A run is a function of (recipe, data): the recipe names its images (Recipe::data_hash).
    const uint64_t data_hash = ganvas::dataset_content_hash(data);
    if (recipe.data_hash != 0 && recipe.data_hash != data_hash) {
        std::fprintf(stderr,
                     "ganvas train: the recipe was trained on other images (content hash %s); %s hashes to %s: "
                     "give its images with --data\n",
                     ganvas::hash_hex(recipe.data_hash).c_str(), data_path.c_str(), ganvas::hash_hex(data_hash).c_str());
        return 1;
    }
    recipe.data_hash = data_hash;
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

    const std::string source = args.recipe_path.empty() ? "preset '" + preset + "'" : "recipe " + args.recipe_path;
    std::printf("training %s, seed %lld, %lld steps on %d images, %d thread%s -> %s\n", source.c_str(), seed, steps,
                data.count, threads, threads == 1 ? "" : "s", out_dir.c_str());
    for (const std::string& assignment : args.sets) std::printf("  --set %s\n", assignment.c_str());
    std::fflush(stdout);
    for (const ganvas::RecipeChange& c : recipe.timeline)
        std::printf("  at step %lld: %s = %s\n", (long long)c.step, c.key.c_str(), c.value.c_str());
    std::fflush(stdout);
    auto gan = std::make_unique<ganvas::Gan>(recipe);  // follows the recipe's timeline itself
    EvalLog eval_log;  // --eval-every: scores samples off the training path (its own caches)
    auto evaluate = [&](long long step) {
        if (args.eval_every <= 0 || (step % args.eval_every != 0 && step != steps)) return ganvas::Status::success();
        return eval_log.write(step, gan->sample_generator(), uint64_t(seed), gan->config().batch_size);
    };
    ganvas::Status eval_status = args.eval_every > 0 ? eval_log.open(out_dir + "/eval.csv", args.classifier_path)
                                                     : ganvas::Status::success();
    AlertWatch watch;
    if (eval_status && args.remedy_at_alert) eval_status = watch.open(args.classifier_path);
    if (eval_status) eval_status = evaluate(0);
    if (!eval_status) {
        std::fprintf(stderr, "ganvas train: %s\n", eval_status.message.c_str());
        return 1;
    }
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
        evaluate(i + 1);
        if (args.remedy_at_alert)
            if (const ganvas::Status s = watch.after_step(gan.get(), stats, uint64_t(seed)); !s) {
                std::fprintf(stderr, "\nganvas train: --remedy-at-alert: %s\n", s.message.c_str());
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
