// fuzz_checkpoint.cpp - checkpoints (io/checkpoint.h) and the safetensors container under them.
// An accepted checkpoint builds a Gan that serializes to a file the loader accepts again, and
// that file is a fixed point (serialize(load(serialize(load(x)))) == serialize(load(x))).
#include <memory>

#include "fuzz_support.h"
#include "gan/gan.h"
#include "io/checkpoint.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ganvas::SafetensorsFile file;
    const ganvas::Status container = ganvas::safetensors_parse(data, size, &file);
    FUZZ_CHECK(container.ok || !container.message.empty());
    std::unique_ptr<ganvas::Gan> gan;
    const ganvas::Status s = ganvas::checkpoint_load_new(data, size, &gan);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        FUZZ_CHECK(gan == nullptr);
        return 0;
    }
    FUZZ_CHECK(container.ok);
    const std::vector<uint8_t> bytes = ganvas::checkpoint_serialize(*gan);
    std::unique_ptr<ganvas::Gan> again;
    FUZZ_CHECK(ganvas::checkpoint_load_new(bytes.data(), bytes.size(), &again).ok);
    FUZZ_CHECK(ganvas::checkpoint_serialize(*again) == bytes);
    return 0;
}
