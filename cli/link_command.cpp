// link_command.cpp - share links on the command line (io/link.h):
//   `ganvas link`            writes the link of a digit (or a grid) of a checkpoint's or a
//                            recipe's generator;
//   `ganvas sample --link`   rebuilds the link's model (replaying its recipe, or from a
//                            checkpoint whose generator has the link's weight hash), checks the
//                            weight hash and writes the digit's pixels (raw float32 and PNG).
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/file_io.h"
#include "base/hash.h"
#include "cli.h"
#include "gan/gan.h"
#include "gan/sampler.h"
#include "io/checkpoint.h"
#include "io/link.h"
#include "progress.h"

namespace ganvas_cli {

namespace {

// [SECTION] Shared: data, models

int fail(const char* command, const std::string& message, int code = 1) {
    std::fprintf(stderr, "ganvas %s: %s\n", command, message.c_str());
    return code;
}

ganvas::Status load_data(const std::string& path, ganvas::Dataset* data) {
    const std::string images = path.empty() ? GANVAS_DEFAULT_MNIST_IMAGES : path;
    const ganvas::Status s = ganvas::dataset_load_idx(images, "", data);
    if (!s) return ganvas::Status::failure("cannot load the data " + images + ": " + s.message);
    return s;
}

ganvas::Status load_checkpoint(const std::string& path, std::unique_ptr<ganvas::Gan>* gan) {
    std::vector<uint8_t> bytes;
    ganvas::Status s = ganvas::file_read_all(path, &bytes);
    if (s) s = ganvas::checkpoint_load_new(bytes.data(), bytes.size(), gan);
    if (!s) return ganvas::Status::failure("cannot load " + path + ": " + s.message);
    return s;
}

// Replays `recipe` for `steps` iterations on `data`, with a progress bar.
ganvas::Status train_recipe(const ganvas::Recipe& recipe, int64_t steps, const ganvas::Dataset& data,
                            std::unique_ptr<ganvas::Gan>* out) {
    if (ganvas::Status s = ganvas::gan_config_validate(recipe.config); !s) return s;
    if (data.count < recipe.config.batch_size)
        return ganvas::Status::failure(std::to_string(data.count) + " images are fewer than one batch of " +
                                       std::to_string(recipe.config.batch_size));
    auto gan = std::make_unique<ganvas::Gan>(recipe);
    std::fprintf(stderr, "replaying the recipe for %lld steps\n", (long long)steps);
    Progress progress(steps, stderr_is_terminal());
    for (int64_t i = 0; i < steps; ++i) {
        gan->train_step(data);
        progress.update(i + 1, "");
    }
    progress.finish("");
    *out = std::move(gan);
    return ganvas::Status::success();
}

// "a:b:c" -> unsigned integers (decimal, whole text), false otherwise.
bool parse_u64(const std::string& text, uint64_t* out) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 20) return false;
    char* end = nullptr;
    errno = 0;
    *out = std::strtoull(text.c_str(), &end, 10);
    return errno == 0 && *end == 0;
}

std::vector<std::string> split_colons(const std::string& text) {
    std::vector<std::string> parts(1);
    for (char c : text) {
        if (c == ':') parts.emplace_back();
        else parts.back() += c;
    }
    return parts;
}

}  // namespace

// [SECTION] ganvas link

void link_options(CLI::App& command, LinkArgs* args) {
    command.footer("Prints a share link (README \"Share links\"): the model named by its recipe, step count, data and weight\n"
                   "hash, and one digit (its z and its BatchNorm batch) or a whole grid. Without --base it prints the\n"
                   "fragment '#ganvas=1&...'; the page opens it after its own address.");
    CLI::Option* checkpoint = command.add_option("--checkpoint", args->checkpoint_path, "a Ganvas checkpoint (carries its recipe)");
    CLI::Option* recipe = command.add_option("--recipe", args->recipe_path, "a recipe JSON file, trained for --steps")
                              ->check(CLI::ExistingFile)
                              ->excludes(checkpoint);
    command.add_option("--steps", args->steps, "with --recipe: iterations to train")->check(CLI::Range(0LL, 100000000LL))->needs(recipe);
    command.add_option("--data", args->data_path, "the IDX images the model trained on (default: the built-in digits)");
    CLI::Option* z_seed = command.add_option("--z-seed", args->z_seed, "the digit's z: z of (seed, index)");
    CLI::Option* z_index = command.add_option("--z-index", args->z_index, "the digit's z: z of (seed, index)")->needs(z_seed);
    z_seed->needs(z_index);
    CLI::Option* slerp = command.add_option("--slerp", args->slerp, "the digit's z: slerp between z(S1, I1) and z(S2, I2) at T")
                             ->type_name("S1:I1:S2:I2:T");
    CLI::Option* z_file = command.add_option("--z-file", args->z_path, "the digit's z: latent_dim float32 little-endian");
    CLI::Option* grid = command.add_option("--grid", args->grid_seed, "a link to the whole 64-digit grid of z (SEED, 0..63) "
                                                                      "(default SEED: the model's)")
                            ->expected(0, 1)
                            ->type_name("[SEED]");
    args->grid_option = grid;
    for (CLI::Option* a : {z_seed, slerp, z_file, grid})
        for (CLI::Option* b : {z_seed, slerp, z_file, grid})
            if (a != b) a->excludes(b);
    command.add_option("--bn", args->bn, "BatchNorm: batch (the batch's statistics, as the grid) or eval (running statistics)")
        ->capture_default_str()
        ->check(CLI::IsMember({"batch", "eval"}));
    command.add_option("--batch-seed", args->batch_seed, "bn batch: the batch's noise seed (default: the model's seed)");
    command.add_option("--batch-count", args->batch_count, "bn batch: rows of the batch")->capture_default_str()->check(CLI::Range(2, 4096));
    command.add_option("--row", args->row, "bn batch: the digit's row (default: --z-index when it is in the batch, else 0)");
    command.add_option("--base", args->base, "the page's address, put before '#'");
}

int link_run(const LinkArgs& args) {
    if (args.checkpoint_path.empty() == args.recipe_path.empty())
        return cli_usage_error("link", "needs --checkpoint FILE or --recipe FILE --steps N");
    if (!args.recipe_path.empty() && args.steps < 0) return cli_usage_error("link", "--recipe needs --steps N");
    const bool grid = args.grid_option && args.grid_option->count() > 0;
    const bool has_z = args.z_seed >= 0 || !args.slerp.empty() || !args.z_path.empty();
    if (!has_z && !grid)
        return cli_usage_error("link", "needs a digit (--z-seed S --z-index I, --slerp S1:I1:S2:I2:T or --z-file F) or --grid");
    ganvas::Dataset data;
    if (ganvas::Status s = load_data(args.data_path, &data); !s) return fail("link", s.message);

    ganvas::ShareLink link;
    std::unique_ptr<ganvas::Gan> gan;
    if (!args.checkpoint_path.empty()) {
        if (ganvas::Status s = load_checkpoint(args.checkpoint_path, &gan); !s) return fail("link", s.message);
        link.steps = gan->step();
    } else {
        std::vector<uint8_t> bytes;
        ganvas::Recipe recipe;
        ganvas::Status s = ganvas::file_read_all(args.recipe_path, &bytes);
        if (s) s = ganvas::recipe_from_json(std::string(bytes.begin(), bytes.end()), &recipe);
        if (s) s = train_recipe(recipe, args.steps, data, &gan);
        if (!s) return fail("link", args.recipe_path + ": " + s.message);
        link.steps = args.steps;
    }
    link.recipe = gan->recipe();
    link.data_hash = ganvas::dataset_content_hash(data);
    link.weight_hash = ganvas::generator_weight_hash(gan->sample_generator());
    const int latent = link.recipe.config.latent_dim;

    if (grid) {
        link.grid = true;
        link.grid_seed = gan->seed();
        if (!args.grid_seed.empty() && !parse_u64(args.grid_seed, &link.grid_seed))
            return cli_usage_error("link", "--grid " + args.grid_seed + ": a noise seed is a non-negative integer");
        link.grid_count = 64;
    } else if (args.z_seed >= 0) {
        link.z.kind = ganvas::LinkZ::Kind::Seeded;
        link.z.seed = uint64_t(args.z_seed);
        link.z.index = uint64_t(args.z_index);
    } else if (!args.slerp.empty()) {
        const std::vector<std::string> p = split_colons(args.slerp);
        char* end = nullptr;
        bool ok = p.size() == 5 && parse_u64(p[0], &link.z.seed) && parse_u64(p[1], &link.z.index) &&
                  parse_u64(p[2], &link.z.seed2) && parse_u64(p[3], &link.z.index2) && !p[4].empty();
        if (ok) link.z.t = std::strtof(p[4].c_str(), &end);
        if (!ok || *end != 0) return cli_usage_error("link", "--slerp " + args.slerp + ": write S1:I1:S2:I2:T, e.g. 1:3:1:5:0.5");
        link.z.kind = ganvas::LinkZ::Kind::Slerp;
    } else {
        std::vector<uint8_t> bytes;
        if (ganvas::Status s = ganvas::file_read_all(args.z_path, &bytes); !s) return fail("link", s.message);
        if (bytes.size() != size_t(latent) * sizeof(float))
            return fail("link", args.z_path + " has " + std::to_string(bytes.size()) + " bytes; z is " + std::to_string(latent) +
                                    " float32 values (" + std::to_string(latent * 4) + " bytes)");
        link.z.kind = ganvas::LinkZ::Kind::Raw;
        link.z.raw.resize(size_t(latent));
        std::memcpy(link.z.raw.data(), bytes.data(), bytes.size());
    }
    if (args.bn == "eval") {
        link.bn.mode = ganvas::LinkBatchNorm::Mode::Eval;
    } else if (link.grid) {
        link.bn = {ganvas::LinkBatchNorm::Mode::Batch, link.grid_seed, link.grid_count, 0};
    } else {
        link.bn.seed = args.batch_seed >= 0 ? uint64_t(args.batch_seed) : gan->seed();
        link.bn.count = args.batch_count;
        const bool in_batch = link.z.kind == ganvas::LinkZ::Kind::Seeded && link.z.index < uint64_t(args.batch_count);
        link.bn.row = args.row >= 0 ? int(args.row) : in_batch ? int(link.z.index) : 0;
    }
    if (ganvas::Status s = ganvas::link_check(link); !s) return fail("link", s.message);
    std::printf("%s#%s\n", args.base.c_str(), ganvas::link_to_fragment(link).c_str());
    return 0;
}

// [SECTION] ganvas sample --link

int sample_link_run(const SampleArgs& args) {
    ganvas::ShareLink link;
    if (ganvas::Status s = ganvas::link_parse(args.link, &link); !s) return fail("sample", s.message, 2);
    ganvas::Dataset data;
    if (ganvas::Status s = load_data(args.data_path, &data); !s) return fail("sample", s.message);
    const uint64_t data_hash = ganvas::dataset_content_hash(data);
    if (data_hash != link.data_hash)
        return fail("sample", "the link's model trained on other data (content hash " + ganvas::hash_hex(link.data_hash) +
                                  "; these images hash to " + ganvas::hash_hex(data_hash) + "): give its images with --data", 2);
    std::unique_ptr<ganvas::Gan> gan;
    if (!args.checkpoint_path.empty()) {
        if (ganvas::Status s = load_checkpoint(args.checkpoint_path, &gan); !s) return fail("sample", s.message);
        const uint64_t h = ganvas::generator_weight_hash(gan->sample_generator());
        if (h != link.weight_hash)
            return fail("sample", args.checkpoint_path + "'s generator is not the link's (weight hash " + ganvas::hash_hex(h) +
                                      ", the link's " + ganvas::hash_hex(link.weight_hash) + ")", 2);
    } else {
        if (ganvas::Status s = train_recipe(link.recipe, link.steps, data, &gan); !s) return fail("sample", s.message);
        const uint64_t h = ganvas::generator_weight_hash(gan->sample_generator());
        if (h != link.weight_hash)
            return fail("sample", "the rebuilt generator differs from the link's (weight hash " + ganvas::hash_hex(h) +
                                      ", the link's " + ganvas::hash_hex(link.weight_hash) +
                                      "): another Ganvas version or build made this link", 2);
    }
    std::printf("weight hash %s matches the link\n", ganvas::hash_hex(link.weight_hash).c_str());
    ganvas::SequentialCache cache;
    const int pixels = gan->config().image_pixels;
    ganvas::Matrix images;
    if (link.grid) {
        const ganvas::Matrix z = ganvas::link_generator_input(link);
        images.resize(z.rows(), pixels);
        ganvas::sample_images(gan->sample_generator(), cache, ganvas::const_view_of(z), ganvas::view_of(images),
                              link.bn.mode == ganvas::LinkBatchNorm::Mode::Batch ? ganvas::BatchNormMode::TrainNoUpdate
                                                                                 : ganvas::BatchNormMode::Eval);
    } else {
        images.resize(1, pixels);
        ganvas::link_render_digit(link, gan->sample_generator(), cache, images.data());
    }
    if (!args.raw_path.empty()) {
        std::vector<uint8_t> out(size_t(images.size()) * sizeof(float));
        std::memcpy(out.data(), images.data(), out.size());  // little-endian host
        if (ganvas::Status s = ganvas::file_write_all(args.raw_path, out); !s) return fail("sample", s.message);
        std::printf("wrote %s (%ld x %d float32)\n", args.raw_path.c_str(), long(images.rows()), pixels);
    }
    if (!args.png_path.empty()) {
        ganvas::GreyImage picture;
        ganvas::image_tile_grid(ganvas::const_view_of(images), 28, images.rows() < 8 ? int(images.rows()) : 8, 1, &picture);
        if (ganvas::Status s = png_write_grey(args.png_path, picture, link.grid ? 3 : 8); !s) return fail("sample", s.message);
        std::printf("wrote %s\n", args.png_path.c_str());
    }
    return 0;
}

}  // namespace ganvas_cli
