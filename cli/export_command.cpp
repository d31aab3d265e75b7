// export_command.cpp - `ganvas export-generator`: a checkpoint's generator alone, as the file
// the page explores without training (io/generator_file.h), and optionally a small JSON of what
// it is (the shipped generator's, assets/CMakeLists.txt).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "base/hash.h"
#include "cli.h"
#include "gan/gan.h"
#include "io/checkpoint.h"
#include "io/dataset.h"
#include "io/generator_file.h"
#include "io/link.h"

namespace ganvas_cli {

static int fail(const std::string& message) {
    std::fprintf(stderr, "ganvas export-generator: %s\n", message.c_str());
    return 1;
}

void export_options(CLI::App& command, ExportArgs* args) {
    command.footer("Writes the generator of a checkpoint alone (safetensors, the checkpoint's tensor names; metadata: config, step,\n"
                   "seed, recipe, weight_hash, data): the page can load it and explore its digits, not train it further.\n"
                   "--json writes {\"weight_hash\", \"steps\", \"seed\", \"link\"} beside it.");
    command.add_option("--checkpoint", args->checkpoint_path, "a Ganvas checkpoint (from `ganvas train` or the page)")
        ->required()
        ->check(CLI::ExistingFile);
    command.add_option("--data", args->data_path,
                       "the IDX images the checkpoint trained on, for the file's data hash (default: the 10,000 MNIST digits "
                       "built with Ganvas)")
        ->check(CLI::ExistingFile);
    command.add_option("--out", args->out_path, "the generator file to write (.safetensors)")->required();
    command.add_option("--json", args->json_path, "also write a JSON summary: weight hash, steps, seed, link");
}

int export_run(const ExportArgs& args) {
    std::vector<uint8_t> bytes;
    ganvas::Status s = ganvas::file_read_all(args.checkpoint_path, &bytes);
    if (!s) return fail(s.message);
    std::unique_ptr<ganvas::Gan> gan;
    s = ganvas::checkpoint_load_new(bytes.data(), bytes.size(), &gan);
    if (!s) return fail("cannot load " + args.checkpoint_path + ": " + s.message);
    const std::string data_path = args.data_path.empty() ? GANVAS_DEFAULT_MNIST_IMAGES : args.data_path;
    ganvas::Dataset data;
    s = ganvas::dataset_load_idx(data_path, "", &data);
    if (!s) return fail("cannot load the data " + data_path + ": " + s.message);

    const std::vector<uint8_t> file = ganvas::generator_file_serialize(*gan, ganvas::dataset_content_hash(data));
    ganvas::GeneratorModel check;  // what every reader will do with it
    s = ganvas::generator_model_load(file.data(), file.size(), &check);
    if (!s) return fail("the written generator does not load back (a bug): " + s.message);
    s = ganvas::file_write_all(args.out_path, file);
    if (!s) return fail(s.message);
    const std::string weight_hash = ganvas::hash_hex(check.weight_hash);
    std::printf("wrote %s: step %lld, seed %llu, %zu bytes, weight hash %s, file hash %s\n", args.out_path.c_str(),
                (long long)gan->step(), (unsigned long long)gan->seed(), file.size(), weight_hash.c_str(),
                ganvas::hash_hex(ganvas::hash64(file.data(), file.size())).c_str());
    if (args.json_path.empty()) return 0;
    nlohmann::ordered_json summary;
    summary["weight_hash"] = weight_hash;
    summary["steps"] = gan->step();
    summary["seed"] = gan->seed();
    // The link of the generator's 64-digit grid (the page's first view of it), as a fragment.
    ganvas::ShareLink link;
    link.recipe = gan->recipe();
    link.steps = gan->step();
    link.data_hash = ganvas::dataset_content_hash(data);
    link.weight_hash = check.weight_hash;
    link.grid = true;
    link.grid_seed = gan->seed();
    link.grid_count = 64;
    link.bn = {ganvas::LinkBatchNorm::Mode::Batch, link.grid_seed, link.grid_count, 0};
    s = ganvas::link_check(link);
    if (!s) return fail("the generator's grid link is not valid (a bug): " + s.message);
    summary["link"] = ganvas::link_to_fragment(link);
    const std::string text = summary.dump() + "\n";
    s = ganvas::file_write_all(args.json_path, std::vector<uint8_t>(text.begin(), text.end()));
    if (!s) return fail(s.message);
    std::printf("wrote %s\n", args.json_path.c_str());
    return 0;
}

}  // namespace ganvas_cli
