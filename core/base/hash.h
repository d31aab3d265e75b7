// hash.h - content hashes: 64-bit XXH3 (Debian's libxxhash-dev, header-only here).
//
// What Ganvas hashes: the generator's weights (a share link checks them after rebuilding a
// model, io/link.h), a dataset's images (which data a run trained on), a link's own text (its
// checksum). XXH3-64 is stable across versions and platforms (its output is specified), so a
// hash written by one build is checked by another. Not for security: a hash tells accidents
// apart (another build, other data, a truncated link), it does not stop a forger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ganvas {

// XXH3-64 of `size` bytes.
uint64_t hash64(const void* data, size_t size, uint64_t seed = 0);

// The same hash over several pieces, in order: Hasher h; h.add(a, n); h.add(b, m); h.digest()
// equals hash64 of a and b concatenated.
class Hasher {
public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    void add(const void* data, size_t size);
    uint64_t digest() const;

private:
    void* state_;  // XXH3_state_t
};

// 16 lowercase hex digits, and back (exactly 16 hex digits, either case; false otherwise).
std::string hash_hex(uint64_t hash);
bool hash_from_hex(const std::string& text, uint64_t* out);

}  // namespace ganvas
