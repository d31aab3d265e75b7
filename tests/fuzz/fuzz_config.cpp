// fuzz_config.cpp - configs and recipes (gan/config.h, gan/recipe.h, gan/settings.h): the JSON a
// --config file, a checkpoint's metadata or a link's recipe holds, and `--set KEY=VALUE` text.
// The first byte picks the reader. Anything accepted is valid and writes back to itself.
#include "fuzz_support.h"
#include "gan/config.h"
#include "gan/recipe.h"
#include "gan/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string text = ganvas_fuzz::text_of(data + 1, size - 1);
    switch (data[0] % 3) {
        case 0: {
            ganvas::GanConfig c;
            const ganvas::Status s = ganvas::gan_config_from_json(text, &c);
            if (!s.ok) { FUZZ_CHECK(!s.message.empty()); break; }
            FUZZ_CHECK(ganvas::gan_config_validate(c).ok);
            ganvas::GanConfig back;
            const std::string json = ganvas::gan_config_to_json(c);
            FUZZ_CHECK(ganvas::gan_config_from_json(json, &back).ok);
            FUZZ_CHECK(ganvas::gan_config_to_json(back) == json);
            break;
        }
        case 1: {
            ganvas::Recipe r;
            const ganvas::Status s = ganvas::recipe_from_json(text, &r);
            if (!s.ok) { FUZZ_CHECK(!s.message.empty()); break; }
            const std::string json = ganvas::recipe_to_json(r);
            ganvas::Recipe back;
            FUZZ_CHECK(ganvas::recipe_from_json(json, &back).ok);
            FUZZ_CHECK(ganvas::recipe_to_json(back) == json);
            break;
        }
        default: {
            ganvas::GanConfig c;
            const ganvas::Status s = ganvas::settings_set_assignment(&c, text);
            if (!s.ok) FUZZ_CHECK(!s.message.empty());  // accepted: one field set, checked by its entry
            break;
        }
    }
    return 0;
}
