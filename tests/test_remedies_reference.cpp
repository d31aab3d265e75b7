// test_remedies_reference.cpp - the remedies of issue 10 compute what PyTorch computes.
//
// tests/reference/make_remedies.py writes tests/reference/remedies.safetensors from the textbook
// definitions in PyTorch (see its docstring for every tensor); the weights and inputs are
// derived from Ganvas' stream as in test_reference.cpp (reference_support.h).
//
// Tolerances (float32, unit roundoff 6e-8) and why:
//   objectives, 1e-6 on losses and logit gradients: PyTorch computes them in float64, the core
//     in float with a double sum; each value is one or two correctly rounded operations away
//     (exp, log1p), so a few ulp. A wrong factor (a missing 1/2), target or sign moves them by
//     far more than 1e-3.
//   penalties (value, D's input gradient, every D weight gradient), 1e-4 with the rms floor: the
//     input gradient is three GEMMs with inner sizes up to 512 summed in another order than
//     OpenBLAS (1e-6 relative), the weight gradients two more products on top, and the norm's
//     ||g|| - 1 cancels about one digit. A penalty that forgets a layer's mask, transposes a
//     weight or drops the 1/||g|| factor moves them by 1e-1 or more.
//   three training iterations with both penalties, 1e-4 on losses and weights, as the seed's
//     ten-iteration check in test_reference.cpp.
#include <catch2/catch.hpp>

#include "gan/gan.h"
#include "gan/objective.h"
#include "reference_support.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

constexpr double kObjectiveRel = 1e-6;

const ReferenceFile& remedies() {
    static const ReferenceFile file(reference_dir() + "/remedies.safetensors");
    return file;
}

void check_objective_part(const std::string& key, float (*part)(const float*, int, float*, const ObjectiveParams&),
                          const ObjectiveParams& params) {
    const ReferenceFile& ref = remedies();
    const std::vector<float> logits = ref.f32("obj.logits");
    std::vector<float> grad(logits.size());
    const float loss = part(logits.data(), int(logits.size()), grad.data(), params);
    check_scalar(key + ".loss", loss, ref.scalar(key + ".loss"), kObjectiveRel);
    check_full(ref, key + ".grad", grad.data(), grad.size(), Tolerance{kObjectiveRel});
}

}  // namespace

TEST_CASE("Every objective's losses and logit gradients are PyTorch's", "[reference][objective]") {
    REQUIRE(objective_names() == std::vector<std::string>{"bce", "minimax", "lsgan", "hinge", "wgan-gp"});
    for (const std::string& name : objective_names()) {
        const Objective* o = objective_find(name);
        REQUIRE(o != nullptr);
        const std::string key = "obj." + name;
        check_objective_part(key + ".d_real", o->d_real, ObjectiveParams{});
        check_objective_part(key + ".d_fake", o->d_fake, ObjectiveParams{});
        check_objective_part(key + ".g", o->g, ObjectiveParams{});
        // One-sided label smoothing: the real target 0.9, where the objective has a target.
        if (o->has_target) check_objective_part(key + ".d_real_smooth", o->d_real, ObjectiveParams{0.9f});
    }
    // The logits include hinge's kinks (1 and -1) and 0, where PyTorch's relu has slope 0.
    CHECK(objective_find("wgan-gp")->gradient_penalty);
    CHECK_FALSE(objective_find("hinge")->gradient_penalty);
}
