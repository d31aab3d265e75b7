// fuzz_generator_file.cpp - generator files (io/generator_file.h), what the page explores: an
// accepted file's generator has the weight hash the file claims (the loader recomputes it).
#include "fuzz_support.h"
#include "io/generator_file.h"
#include "io/link.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ganvas::GeneratorModel model;
    const ganvas::Status s = ganvas::generator_model_load(data, size, &model);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        return 0;
    }
    FUZZ_CHECK(ganvas::generator_weight_hash(model.generator) == model.weight_hash);
    FUZZ_CHECK(ganvas::gan_config_validate(model.config).ok);
    return 0;
}
