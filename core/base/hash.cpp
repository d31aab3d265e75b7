// hash.cpp - XXH3-64 through xxhash.h. See hash.h.
#include "base/hash.h"

#define XXH_INLINE_ALL  // header-only: the same code natively and in wasm, no library to link
#include <xxhash.h>

namespace ganvas {

uint64_t hash64(const void* data, size_t size, uint64_t seed) { return XXH3_64bits_withSeed(data, size, seed); }

Hasher::Hasher() : state_(XXH3_createState()) { XXH3_64bits_reset(static_cast<XXH3_state_t*>(state_)); }
Hasher::~Hasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }
void Hasher::add(const void* data, size_t size) { XXH3_64bits_update(static_cast<XXH3_state_t*>(state_), data, size); }
uint64_t Hasher::digest() const { return XXH3_64bits_digest(static_cast<const XXH3_state_t*>(state_)); }

std::string hash_hex(uint64_t hash) {
    static const char digits[] = "0123456789abcdef";
    std::string text(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4) text[size_t(i)] = digits[hash & 15];
    return text;
}

bool hash_from_hex(const std::string& text, uint64_t* out) {
    if (text.size() != 16) return false;
    uint64_t value = 0;
    for (char c : text) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        value = value << 4 | uint64_t(d);
    }
    *out = value;
    return true;
}

}  // namespace ganvas
