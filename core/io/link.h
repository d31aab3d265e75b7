// link.h - share links: a URL fragment that names a model by the recipe that trains it and a
// digit by its exact z. One writer and one strict parser, used by the page and the CLI.
//
// A run is a pure function of (recipe, data) and bit-identical natively, in wasm and on any
// thread count, so a link needs no weights: the receiver replays the recipe for `steps`
// iterations on the same data, checks the generator's weight hash, and draws the digit.
//
// Format, version 1 (README "Share links" has the spec and an example). The fragment is
// `&`-separated `name=value` fields, in this order, values percent-encoded where needed:
//   ganvas=1                 the version (first field; any other version is refused)
//   seed=1                   the recipe's seed
//   steps=3120               iterations trained
//   data=<16 hex>            content hash of the training images (dataset_content_hash)
//   <key>=<value>            every setting of the table (gan/settings.h), in table order, in
//                            the table's encoding (bare lists "128,256,512" and names "bce");
//                            a setting absent from a link takes its default (a setting added
//                            later defaults to the behaviour from before it existed)
//   ch=<step>:<key>=<value>  the recipe's timeline, one field per change, in order
//   w=<16 hex>               weight hash of the generator at `steps` (generator_weight_hash)
//   z=...                    the digit (LinkZ), or grid=<seed>:<count> for a whole grid
//   bn=...                   how BatchNorm normalises (LinkBatchNorm); a grid is its own batch:
//                            "bn=batch" or "bn=eval"
//   c=<8 hex>                checksum: the low 32 bits of hash64 of everything before "&c="
// Values are percent-encoded (%XX, uppercase hex) outside A-Z a-z 0-9 - . _ ~ : , = and every
// value must be in its canonical form (the writer's), so an accepted link that writes every
// setting is its own writing. Implemented in link.cpp (text) and link_digit.cpp (numbers).
// Limits: at most kLinkMaxChars characters (of the fragment); a typical link (seed preset,
// seeded z, no changes) is 364.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "gan/recipe.h"
#include "io/dataset.h"
#include "nn/model.h"
#include "nn/tensor.h"

namespace ganvas {

constexpr int kLinkVersion = 1;
constexpr size_t kLinkMaxChars = 8192;

// The digit's z, exactly.
struct LinkZ {
    enum class Kind {
        Seeded,  // "z=s:<seed>:<index>"             sample_z(seed, index)  (gan/streams.h)
        Slerp,   // "z=slerp:<s1>:<i1>:<s2>:<i2>:<t>" latent_slerp of two seeded z at t in [0, 1]
        Raw,     // "z=f32:<base64url>"              latent_dim float32, little-endian
    };
    Kind kind = Kind::Seeded;
    uint64_t seed = 1, index = 0;    // Seeded; and the first end of Slerp
    uint64_t seed2 = 1, index2 = 0;  // the second end of Slerp
    float t = 0;                     // Slerp, in [0, 1] (shortest float text)
    std::vector<float> raw;          // Raw: latent_dim finite values
};

// What else the pixels depend on: in training-mode BatchNorm a digit depends on the rest of its
// batch, so the link names the batch.
struct LinkBatchNorm {
    enum class Mode {
        Eval,   // "bn=eval"                        running statistics: the digit alone
        Batch,  // "bn=batch:<seed>:<count>:<row>"  the batch of z (seed, 0 .. count-1), row
                //                                  `row` replaced by the digit's z; this
                //                                  batch's statistics (TrainNoUpdate)
    };
    Mode mode = Mode::Batch;
    uint64_t seed = 1;  // Batch: the batch's noise seed (the grid's: the model's seed)
    int count = 64;     // Batch: 2 .. 4096 rows
    int row = 0;        // Batch: 0 .. count-1
};

struct ShareLink {
    Recipe recipe;               // config, seed, timeline
    int64_t steps = 0;           // iterations the model trained
    uint64_t data_hash = 0;      // dataset_content_hash of the training data
    uint64_t weight_hash = 0;    // generator_weight_hash after `steps` iterations
    bool grid = false;           // a whole grid (grid_seed, grid_count) instead of one digit
    uint64_t grid_seed = 1;
    int grid_count = 64;
    LinkZ z;                     // the digit (when !grid)
    LinkBatchNorm bn;
};

// The fragment text without '#' ("ganvas=1&seed=..."). link must be valid (link_check).
std::string link_to_fragment(const ShareLink& link);
// Parses a fragment, with or without a leading '#', or a whole URL (everything up to the first
// '#' is ignored). Strict: a wrong checksum, a truncated or oversized link, an unknown version,
// an unknown, repeated, misplaced or missing field, an out-of-range value - each is refused with
// a message naming the field. On error *out is unchanged. Never crashes on any input.
Status link_parse(const std::string& text, ShareLink* out);
// The cross-field rules: a valid config (gan_config_validate), z of latent_dim, row < count...
Status link_check(const ShareLink& link);

// The digit's z (latent_dim floats) from a link's LinkZ.
void link_z_values(const LinkZ& z, int latent_dim, float* out);
// The link's batch (count, latent) with the digit's z in its row (Batch), or the z alone (1,
// latent) for Eval: what the generator is given. The digit is row link_digit_row() of G's output.
// A grid link: the grid's z (grid_count, latent), link_digit_row -1.
Matrix link_generator_input(const ShareLink& link);
int link_digit_row(const ShareLink& link);
// The digit's 784 pixels in [-1, 1], drawn with `generator` (whose weights the caller checked).
// Batch: TrainNoUpdate on the link's batch; Eval: the z alone with running statistics. Not for grids.
void link_render_digit(const ShareLink& link, const Sequential& generator, SequentialCache& cache, float* pixels);

// Spherical interpolation between two z at t in [0, 1], bit-identical on every platform (its
// trigonometry uses only + - * / and sqrt, never the platform's libm). Falls back to linear
// interpolation when a and b are (nearly) parallel.
void latent_slerp(const float* a, const float* b, int n, float t, float* out);

// The hash a link checks: XXH3-64 over every tensor of G (weights, biases, BatchNorm's affine
// parameters and running statistics), in the order checkpoints store them.
uint64_t generator_weight_hash(const Sequential& generator);
// The hash of a dataset's images: XXH3-64 of (count, rows, cols as uint32 little-endian) then the
// pixels. Labels are left out: training never reads them.
uint64_t dataset_content_hash(const Dataset& data);

}  // namespace ganvas
