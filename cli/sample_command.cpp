// sample_command.cpp - `ganvas sample`: load a checkpoint and draw images from its generator,
// as a PNG grid and/or raw float32 for other tools (tests/reference/check_checkpoint.py).
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "io/checkpoint.h"
#include "cli.h"
#include "base/file_io.h"
#include "gan/gan.h"
#include "gan/streams.h"
#include "io/image.h"

namespace ganvas_cli {

static int fail(const std::string& message) {
    std::fprintf(stderr, "ganvas sample: %s\n", message.c_str());
    return 1;
}

void sample_options(CLI::App& command, SampleArgs* args) {
    command.footer("Generates images with the generator of a checkpoint (from `ganvas train`, the page, or PyTorch).\n"
                        "At least one of --png and --raw is needed.");
    command.add_option("--checkpoint", args->checkpoint_path,
                       "a Ganvas safetensors checkpoint (with --link: used when its generator is the link's)");
    CLI::Option* link = command.add_option("--link", args->link,
        "draw a share link's digit (or grid): rebuild its model by replaying its recipe (or take --checkpoint when its "
        "weight hash is the link's), check the weight hash, write the digit");
    command.add_option("--data", args->data_path, "with --link: the IDX images its model trained on (default: the built-in digits)")
        ->needs(link);
    CLI::Option* seed = command.add_option("--seed", args->seed,
        "draw z ~ N(0, 1) as the z of (S, 0..N-1): the same z as the grid `ganvas train --seed S` writes "
        "(default: the checkpoint's seed)")->check(CLI::Range(0LL, 1LL << 53));
    CLI::Option* count = command.add_option("--count", args->count, "how many z to draw (default 64)")->check(CLI::Range(1, 65536));
    command.add_option("--z", args->z_path, "read z instead: N x latent float32 little-endian, row after row")
        ->excludes(seed)
        ->excludes(count)
        ->excludes(link);
    link->excludes(seed)->excludes(count);
    command.add_option("--png", args->png_path, "write the images as a grid, 8 per row, 3x scale");
    command.add_option("--raw", args->raw_path, "write the images as N x 784 float32 little-endian, values in [-1, 1]");
    command.add_option("--bn", args->bn,
        "BatchNorm with its running statistics (eval, PyTorch's G.eval()) or with this batch's statistics "
        "(train, needs N >= 2; running statistics untouched)")
        ->capture_default_str()
        ->check(CLI::IsMember({"eval", "train"}));
}

int sample_run(const SampleArgs& args) {
    if (args.png_path.empty() && args.raw_path.empty()) return cli_usage_error("sample", "needs at least one of --png, --raw");
    if (!args.link.empty()) return sample_link_run(args);
    if (args.checkpoint_path.empty()) return cli_usage_error("sample", "needs --checkpoint FILE (or --link URL)");
    const std::string& checkpoint_path = args.checkpoint_path;
    const std::string& z_path = args.z_path;
    const std::string& png_path = args.png_path;
    const std::string& raw_path = args.raw_path;
    const std::string& bn = args.bn;
    const long long seed = args.seed, count = args.count;

    std::vector<uint8_t> bytes;
    ganvas::Status s = ganvas::file_read_all(checkpoint_path, &bytes);
    if (!s) return fail(s.message);
    std::unique_ptr<ganvas::Gan> gan;
    s = ganvas::checkpoint_load_new(bytes.data(), bytes.size(), &gan);
    if (!s) return fail("cannot load " + checkpoint_path + ": " + s.message);
    const int latent = gan->config().latent_dim, pixels = gan->config().image_pixels;
    std::printf("loaded %s: step %lld, seed %llu, content hash %s\n", checkpoint_path.c_str(), (long long)gan->step(),
                (unsigned long long)gan->seed(), ganvas::content_hash_hex(bytes.data(), bytes.size()).c_str());

    ganvas::Matrix z;
    if (!z_path.empty()) {
        std::vector<uint8_t> raw;
        s = ganvas::file_read_all(z_path, &raw);
        if (!s) return fail(s.message);
        const size_t row_bytes = size_t(latent) * sizeof(float);
        if (raw.empty() || raw.size() % row_bytes != 0 || raw.size() / row_bytes > 65536)
            return fail(z_path + " has " + std::to_string(raw.size()) + " bytes; z must be N x " + std::to_string(latent) +
                        " float32 values (" + std::to_string(row_bytes) + " bytes per row, 1 <= N <= 65536)");
        z.resize(long(raw.size() / row_bytes), latent);
        std::memcpy(z.data(), raw.data(), raw.size());  // little-endian host, as every supported target
        if (!z.allFinite()) return fail(z_path + " holds non-finite values");
    } else {
        z.resize(count >= 0 ? long(count) : 64, latent);
        ganvas::sample_z_rows(seed >= 0 ? uint64_t(seed) : gan->seed(), 0, ganvas::view_of(z));
    }
    const long n = long(z.rows());
    if (bn == "train" && n < 2) return fail("--bn train normalises with batch statistics and needs at least 2 samples");

    ganvas::Matrix images(n, pixels);
    gan->generate(ganvas::const_view_of(z), ganvas::view_of(images),
                  bn == "eval" ? ganvas::BatchNormMode::Eval : ganvas::BatchNormMode::TrainNoUpdate);
    if (!raw_path.empty()) {
        std::vector<uint8_t> out(size_t(images.size()) * sizeof(float));
        std::memcpy(out.data(), images.data(), out.size());
        s = ganvas::file_write_all(raw_path, out);
        if (!s) return fail(s.message);
        std::printf("wrote %s (%ld x %d float32)\n", raw_path.c_str(), n, pixels);
    }
    if (!png_path.empty()) {
        ganvas::GreyImage grid;
        ganvas::image_tile_grid(ganvas::const_view_of(images), 28, n < 8 ? int(n) : 8, 1, &grid);
        s = png_write_grey(png_path, grid, 3);
        if (!s) return fail(s.message);
        std::printf("wrote %s (%ld images)\n", png_path.c_str(), n);
    }
    return 0;
}

}  // namespace ganvas_cli
