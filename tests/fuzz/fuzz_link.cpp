// fuzz_link.cpp - share links (io/link.h): link_parse on any text. An accepted link is its own
// writing (the parser demands canonical form), so parse(write(parse(x))) == parse(x).
#include "fuzz_support.h"
#include "io/link.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ganvas::ShareLink link;
    const ganvas::Status s = ganvas::link_parse(ganvas_fuzz::text_of(data, size), &link);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        return 0;
    }
    FUZZ_CHECK(ganvas::link_check(link).ok);
    const std::string again = ganvas::link_to_fragment(link);
    ganvas::ShareLink back;
    FUZZ_CHECK(ganvas::link_parse(again, &back).ok);
    FUZZ_CHECK(ganvas::link_to_fragment(back) == again);
    return 0;
}
