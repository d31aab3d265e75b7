// fuzz_link.cpp - share links (io/link.h): link_parse on any text. An accepted link is its own
// writing (the parser demands canonical form), so parse(write(parse(x))) == parse(x).
// Each input is tried twice: as it is, and with its checksum recomputed (the text up to the last
// "&c=", then the right "&c=" for it), so mutations get past the checksum and reach every field.
#include "base/hash.h"
#include "fuzz_support.h"
#include "io/link.h"

namespace {

void check_one(const std::string& text) {
    ganvas::ShareLink link;
    const ganvas::Status s = ganvas::link_parse(text, &link);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        return;
    }
    FUZZ_CHECK(ganvas::link_check(link).ok);
    const std::string again = ganvas::link_to_fragment(link);
    ganvas::ShareLink back;
    FUZZ_CHECK(ganvas::link_parse(again, &back).ok);
    FUZZ_CHECK(ganvas::link_to_fragment(back) == again);
}

std::string with_fresh_checksum(std::string text) {
    const size_t hash_at = text.find('#');
    if (hash_at != std::string::npos) text = text.substr(hash_at + 1);
    const size_t c_at = text.rfind("&c=");
    const std::string body = c_at == std::string::npos ? text : text.substr(0, c_at);
    char c[9];
    std::snprintf(c, sizeof c, "%08x", unsigned(uint32_t(ganvas::hash64(body.data(), body.size()))));
    return body + "&c=" + c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = ganvas_fuzz::text_of(data, size);
    check_one(text);
    check_one(with_fresh_checksum(text));
    return 0;
}
