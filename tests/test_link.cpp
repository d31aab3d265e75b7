// test_link.cpp - share links (io/link.h): random links round-trip bit for bit, every malformed
// class is refused with a message naming its field, a million mutated links never crash the
// parser (and every accepted one is its own writing), latent_slerp and a link's z are pinned by
// hash (the same pins natively and in wasm), and a grid cell's link draws that cell exactly.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>

#include "base/hash.h"
#include "gan/gan.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "io/link.h"
#include "random_settings.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

// [SECTION] Helpers

uint64_t random_u64(Rng& rng) { return uint64_t(rng.next_u32()) << 32 | rng.next_u32(); }

// A random valid link: random config and timeline, any z kind, both BatchNorm modes, grids.
ShareLink random_link(Rng& rng) {
    ShareLink link;
    link.recipe = recipe_of(rng.below(4) == 0 ? GanConfig{} : random_config(rng), random_u64(rng) >> rng.below(64));
    link.steps = int64_t(random_u64(rng) >> (1 + rng.below(63)));
    std::vector<const Setting*> live;
    for (const Setting& s : settings_list())
        if (s.scope == SettingScope::Live) live.push_back(&s);
    int64_t step = 0;
    const int changes = int(rng.below(6));
    for (int k = 0; k < changes; ++k) {
        step += int64_t(rng.below(uint32_t(std::min<int64_t>(link.steps - step, 1000) + 1)));
        const Setting& s = *live[rng.below(uint32_t(live.size()))];
        GanConfig value;
        randomise(s, rng, &value);
        REQUIRE(recipe_add_change(&link.recipe, step, s.key, settings_get_text(value, s)).ok);
    }
    link.data_hash = random_u64(rng);
    link.weight_hash = random_u64(rng);
    const int latent = link.recipe.config.latent_dim;
    link.grid = rng.below(5) == 0;
    if (link.grid) {
        link.grid_seed = random_u64(rng);
        link.grid_count = 2 + int(rng.below(200));
    } else {
        switch (rng.below(3)) {
            case 0: link.z.kind = LinkZ::Kind::Seeded; break;
            case 1: link.z.kind = LinkZ::Kind::Slerp; break;
            default: link.z.kind = LinkZ::Kind::Raw; break;
        }
        link.z.seed = random_u64(rng);
        link.z.index = rng.below(100);
        link.z.seed2 = random_u64(rng);
        link.z.index2 = random_u64(rng);
        link.z.t = rng.below(4) == 0 ? float(rng.below(2)) : rng.uniform();
        if (link.z.kind == LinkZ::Kind::Raw) {
            link.z.raw.resize(size_t(latent));
            rng.fill_normal(link.z.raw.data(), link.z.raw.size());
            if (latent > 1) link.z.raw[1] = float_of_bits(1);  // a subnormal
        }
    }
    link.bn.mode = rng.below(2) ? LinkBatchNorm::Mode::Batch : LinkBatchNorm::Mode::Eval;
    if (link.grid) {
        link.bn.seed = link.grid_seed;
        link.bn.count = link.grid_count;
        link.bn.row = 0;
    } else {
        link.bn.seed = random_u64(rng);
        link.bn.count = 2 + int(rng.below(4095));
        link.bn.row = int(rng.below(uint32_t(link.bn.count)));
    }
    return link;
}

void require_same(const ShareLink& a, const ShareLink& b) {
    std::string differing;
    CHECK(same_bits(a.recipe.config, b.recipe.config, &differing));
    INFO(differing);
    CHECK(recipe_to_json(a.recipe) == recipe_to_json(b.recipe));
    CHECK(a.steps == b.steps);
    CHECK(a.data_hash == b.data_hash);
    CHECK(a.weight_hash == b.weight_hash);
    CHECK(a.grid == b.grid);
    if (a.grid) {
        CHECK(a.grid_seed == b.grid_seed);
        CHECK(a.grid_count == b.grid_count);
    } else {
        CHECK(a.z.kind == b.z.kind);
        const int latent = a.recipe.config.latent_dim;
        std::vector<float> za(static_cast<size_t>(latent)), zb(za.size());
        link_z_values(a.z, latent, za.data());
        link_z_values(b.z, latent, zb.data());
        CHECK(std::memcmp(za.data(), zb.data(), za.size() * sizeof(float)) == 0);
    }
    CHECK(a.bn.mode == b.bn.mode);
    if (a.bn.mode == LinkBatchNorm::Mode::Batch) {
        CHECK(a.bn.seed == b.bn.seed);
        CHECK(a.bn.count == b.bn.count);
        CHECK(a.bn.row == b.bn.row);
    }
}

// The seed preset's link to digit (1, 7) of the grid after 20 steps: the test's base link.
ShareLink base_link() {
    ShareLink link;
    link.recipe = recipe_of(GanConfig{}, 1);
    link.steps = 20;
    link.data_hash = 0x0123456789abcdefull;
    link.weight_hash = 0xfedcba9876543210ull;
    link.z.seed = 1;
    link.z.index = 7;
    link.bn = {LinkBatchNorm::Mode::Batch, 1, 64, 7};
    return link;
}

// `body` (without its checksum) with a correct checksum.
std::string sealed(const std::string& body) {
    char c[16];
    std::snprintf(c, sizeof c, "%08x", unsigned(uint32_t(hash64(body.data(), body.size()))));
    return body + "&c=" + c;
}

// The base link's body with `from` replaced by `to` (first occurrence), resealed.
std::string edited(const std::string& from, const std::string& to) {
    std::string body = link_to_fragment(base_link());
    body = body.substr(0, body.rfind("&c="));
    const size_t at = body.find(from);
    REQUIRE(at != std::string::npos);
    return sealed(body.substr(0, at) + to + body.substr(at + from.size()));
}

std::string refusal(const std::string& text) {
    ShareLink out = base_link();
    out.steps = 12345;
    const Status s = link_parse(text, &out);
    CHECK_FALSE(s.ok);
    CHECK(out.steps == 12345);  // unchanged on error
    return s.message;
}

uint64_t hash_floats(const std::vector<float>& v) { return hash64(v.data(), v.size() * sizeof(float)); }

}  // namespace

// [SECTION] Round trips

TEST_CASE("Random links round-trip bit for bit: every setting, timelines, all z kinds, both bn modes, grids", "[link]") {
    Rng rng(9, 1);
    int kinds[3] = {0, 0, 0}, grids = 0;
    for (int i = 0; i < 600; ++i) {
        const ShareLink link = random_link(rng);
        INFO("link " << i);
        REQUIRE(link_check(link).ok);
        const std::string text = link_to_fragment(link);
        CHECK(text.size() <= kLinkMaxChars);
        ShareLink back;
        const Status s = link_parse(i % 2 ? text : "https://example.test/ganvas.html?x=1#" + text, &back);
        INFO(s.message << "\n" << text);
        REQUIRE(s.ok);
        require_same(link, back);
        CHECK(link_to_fragment(back) == text);
        if (link.grid) ++grids;
        else ++kinds[int(link.z.kind)];
    }
    CHECK(kinds[0] > 50);
    CHECK(kinds[1] > 50);
    CHECK(kinds[2] > 50);
    CHECK(grids > 50);
}

TEST_CASE("A setting absent from a link keeps its default; the typical link's length", "[link]") {
    const std::string text = link_to_fragment(base_link());
    CHECK(text.find("&adam_g.lr=0.0002&") != std::string::npos);
    CHECK(text.find("&g_hidden=128,256,512&") != std::string::npos);
    CHECK(text.find("&objective=bce&") != std::string::npos);
    CHECK(text.size() < 400);
    std::printf("typical link (seed preset, seeded z, no changes): %zu characters\n", text.size());
    ShareLink back;
    REQUIRE(link_parse(edited("&adam_g.lr=0.0002", ""), &back).ok);
    CHECK(back.recipe.config.adam_g.lr == GanConfig{}.adam_g.lr);
    REQUIRE(link_parse(edited("&adam_g.lr=0.0002", "&adam_g.lr=0.0001"), &back).ok);
    CHECK(back.recipe.config.adam_g.lr == 0.0001f);
}

// [SECTION] Refusals, one per malformed class

TEST_CASE("Malformed links are refused with a message naming the field", "[link]") {
    const std::string good = link_to_fragment(base_link());
    ShareLink ok;
    REQUIRE(link_parse(good, &ok).ok);
    // Syntax, truncation, size, version, checksum.
    CHECK(refusal("") == "link: not a Ganvas link (it must start with 'ganvas=', or be a URL with '#ganvas=...')");
    CHECK(refusal("http://x/#seed=1") == "link: not a Ganvas link (it must start with 'ganvas=', or be a URL with '#ganvas=...')");
    CHECK(refusal(good.substr(0, good.size() - 1)) == "link: field 'c': \"" + good.substr(good.size() - 8, 7) +
                                                          "\" is not 8 lowercase hex digits (and nothing may follow the checksum)");
    for (size_t cut : {size_t(20), good.size() / 2, good.rfind("&c=")})
        CHECK(refusal(good.substr(0, cut)) == "link: missing field 'c' (the checksum; the link was cut short?)");
    CHECK(refusal(good + "&x=1").find("link: field 'c'") == 0);
    CHECK(refusal("ganvas=1&" + std::string(9000, 'a')) == "link: 9009 characters; a link may have at most 8192");
    CHECK(refusal("ganvas=2&seed=1&c=00000000") == "link: version 2 is not supported (this Ganvas reads version 1)");
    CHECK(refusal("ganvas=01&seed=1") == "link: field 'ganvas': \"01\" is not a version number");
    std::string flipped = good;
    flipped[good.find("steps=20") + 6] = '3';
    CHECK(refusal(flipped) == "link: checksum mismatch (the link was cut or changed)");
    CHECK(refusal(edited("&steps=20", "&steps=20&&")) == "link: field 4 \"\" is not name=value");
    // Integers: no sign, no leading zeros, no overflow.
    CHECK(refusal(edited("steps=20", "steps=abc")) == "link: field 'steps': \"abc\" is not a non-negative integer");
    CHECK(refusal(edited("steps=20", "steps=%2B20")) == "link: field 'steps': \"+20\" is not a non-negative integer");
    CHECK(refusal(edited("steps=20", "steps=-1")) == "link: field 'steps': \"-1\" is not a non-negative integer");
    CHECK(refusal(edited("steps=20", "steps=020")) == "link: field 'steps': \"020\" is not a non-negative integer");
    CHECK(refusal(edited("steps=20", "steps=9223372036854775808")).find("link: field 'steps'") == 0);
    CHECK(refusal(edited("seed=1", "seed=18446744073709551616")) == "link: field 'seed': \"18446744073709551616\" is not a seed");
    CHECK(link_parse(edited("seed=1", "seed=18446744073709551615"), &ok).ok);
    // Unknown, repeated, misplaced, missing fields.
    CHECK(refusal(edited("&w=", "&colour=red&w=")) == "link: unknown field 'colour'");
    CHECK(refusal(edited("&w=", "&seed=2&w=")) == "link: field 'seed' is repeated");
    CHECK(refusal(edited("&d_steps=1", "&d_steps=1&d_steps=2")) == "link: field 'd_steps' is repeated");
    CHECK(link_parse(edited("&latent_dim=100", ""), &ok).ok);  // an absent setting keeps its default
    CHECK(refusal(edited("&d_steps=1&objective=bce", "&objective=bce&d_steps=1")) ==
          "link: field 'd_steps' is misplaced (settings come in the table's order: 'd_steps' before 'objective')");
    CHECK(refusal(edited("&bn=batch:1:64:7", "&bn=batch:1:64:7&z=s:1:7")) == "link: field 'z' is repeated (a link has one z or grid)");
    CHECK(refusal(edited("&w=fedcba9876543210", "")) == "link: missing field 'w' (before 'z')");
    CHECK(refusal(edited("&bn=batch:1:64:7", "")) == "link: missing field 'bn'");
    CHECK(refusal(edited("&data=0123456789abcdef", "")).find("link: missing field 'data' (before ") == 0);
    CHECK(refusal(edited("&w=fedcba9876543210", "&w=fedcba9876543210&ch=0:d_steps=2")).find("link: field 'ch' is misplaced") == 0);
    // Out-of-range and malformed values.
    CHECK(refusal(edited("latent_dim=100", "latent_dim=0")).find("link: field 'latent_dim': 'latent_dim' = 0: latent size") == 0);
    CHECK(refusal(edited("adam_g.lr=0.0002", "adam_g.lr=2e-4")) ==
          "link: field 'adam_g.lr': \"2e-4\" is not written canonically (0.0002)");
    CHECK(refusal(edited("objective=bce", "objective=hinge2")).find("link: field 'objective'") == 0);
    CHECK(refusal(edited("data=0123456789abcdef", "data=0123456789ABCDEF")) ==
          "link: field 'data': \"0123456789ABCDEF\" is not 16 lowercase hex digits");
    CHECK(refusal(edited("w=fedcba9876543210", "w=fedcba98")) == "link: field 'w': \"fedcba98\" is not 16 lowercase hex digits");
    CHECK(refusal(edited("bn=batch:1:64:7", "bn=batch:1:64:70")) == "link: field 'bn': row 70 is outside the batch of 64");
    CHECK(refusal(edited("bn=batch:1:64:7", "bn=batch:1:1:0")) ==
          "link: field 'bn': a batch of 1 (BatchNorm needs 2..4096 rows)");
    CHECK(refusal(edited("bn=batch:1:64:7", "bn=train")) == "link: field 'bn': \"train\" is not eval or batch:SEED:COUNT:ROW");
    CHECK(refusal(edited("z=s:1:7", "z=s:1")) ==
          "link: field 'z': \"s:1\" is not s:SEED:INDEX, slerp:S1:I1:S2:I2:T or f32:BASE64URL");
    CHECK(refusal(edited("z=s:1:7", "z=slerp:1:7:1:8:1.5")) == "link: field 'z': slerp t \"1.5\" is outside [0, 1]");
    CHECK(refusal(edited("z=s:1:7", "z=slerp:1:7:1:8:-0.0")) == "link: field 'z': slerp t \"-0.0\" is outside [0, 1]");
    CHECK(refusal(edited("z=s:1:7", "z=slerp:1:7:1:8:0.50")) ==
          "link: field 'z': slerp t \"0.50\" is not written as the shortest float (0.5)");
    CHECK(refusal(edited("z=s:1:7", "z=slerp:1:7:1:8:nan")) == "link: field 'z': slerp t \"nan\" is not a number");
    // Percent-encoding: canonical only.
    CHECK(refusal(edited("objective=bce", "objective=b%63e")) ==
          "link: field 'objective': 'c' is percent-encoded (write it as itself)");
    CHECK(refusal(edited("objective=bce", "objective=b%2")) ==
          "link: field 'objective': a '%' not followed by two uppercase hex digits");
    CHECK(refusal(edited("objective=bce", "objective=b+e")) ==
          "link: field 'objective': a character that must be percent-encoded (write %2B)");
    // Timeline changes name their index.
    CHECK(refusal(edited("&w=", "&ch=5:adam_g.lr=0.0001&ch=3:adam_g.lr=0.0001&w=")).find("link: ch #2: ") == 0);
    CHECK(refusal(edited("&w=", "&ch=5:latent_dim=10&w=")).find("link: ch #1: ") == 0);
    CHECK(refusal(edited("&w=", "&ch=21:d_steps=2&w=")) == "link: ch #1: step \"21\" is not a step of 0..20");
    CHECK(refusal(edited("&w=", "&ch=5-d_steps=2&w=")) == "link: ch #1: \"5-d_steps=2\" is not STEP:KEY=VALUE");
    CHECK(link_parse(edited("&w=", "&ch=5:d_steps=2&ch=20:objective=bce&w="), &ok).ok);
    // Grids.
    CHECK(link_parse(edited("z=s:1:7&bn=batch:1:64:7", "grid=1:64&bn=batch"), &ok).ok);
    CHECK(ok.grid);
    CHECK(refusal(edited("z=s:1:7&bn=batch:1:64:7", "grid=1:64&bn=batch:1:64:0")) ==
          "link: field 'bn': \"batch:1:64:0\" is not eval or batch (a grid is its own batch)");
    CHECK(refusal(edited("z=s:1:7&bn=batch:1:64:7", "grid=1:1&bn=batch")) == "link: field 'grid': 1 digits (2..4096 allowed)");
    CHECK(link_parse(edited("z=s:1:7&bn=batch:1:64:7", "grid=1:1&bn=eval"), &ok).ok);
}

TEST_CASE("Raw z: base64url strictly, latent_dim float32, finite", "[link]") {
    ShareLink link = base_link();
    link.z.kind = LinkZ::Kind::Raw;
    link.z.raw.assign(100, 0.5f);
    link.z.raw[3] = -1e-40f;
    const std::string text = link_to_fragment(link);
    ShareLink back;
    REQUIRE(link_parse(text, &back).ok);
    require_same(link, back);
    const size_t at = text.find("z=f32:") + 6, end = text.find('&', at);
    const std::string b64 = text.substr(at, end - at);
    CHECK(b64.size() == 534);  // 400 bytes, no padding
    const auto with_b64 = [&](const std::string& replacement) { return edited("z=s:1:7", "z=f32:" + replacement); };
    CHECK(refusal(with_b64(b64.substr(0, b64.size() - 3))) == "link: field 'z': raw z of 398 bytes; latent_dim 100 needs 400 (float32 each)");
    CHECK(refusal(with_b64(b64 + "AAAAAAAA")) == "link: field 'z': raw z of 406 bytes; latent_dim 100 needs 400 (float32 each)");
    CHECK(refusal(with_b64(b64.substr(0, 533))) == "link: field 'z': base64url of 533 characters is cut short");
    std::string bad = b64;
    bad[10] = '/';
    CHECK(refusal(with_b64(bad)) == "link: field 'z': a character that must be percent-encoded (write %2F)");
    bad[10] = '.';
    CHECK(refusal(with_b64(bad)) == "link: field 'z': '.' is not a base64url character (A-Z a-z 0-9 - _)");
    bad = b64;
    bad.back() = bad.back() == 'B' ? 'C' : 'B';  // 400 bytes end with 4 unused bits: non-zero now
    CHECK(refusal(with_b64(bad)) == "link: field 'z': base64url with stray bits at its end (not as a writer makes it)");
    for (float v : {std::nanf(""), INFINITY, -INFINITY}) {
        link.z.raw[5] = v;
        std::string raw = link_to_fragment(link);  // the writer is only for valid links; its text is still well formed
        raw = raw.substr(0, raw.rfind("&c="));
        CHECK(refusal(sealed(raw)) == "link: field 'z': raw z value 5 is not finite");
        CHECK_FALSE(link_check(link).ok);
    }
}

// [SECTION] Mutations

TEST_CASE("A million mutated links: no crash, and every accepted one is its own writing", "[link][mutation]") {
#ifdef __EMSCRIPTEN__
    const int total = 200000;  // the same mutations, fewer of them (node is slower)
#else
    const int total = 1000000;
#endif
    Rng rng(77, 3);
    std::vector<std::string> bases;
    for (int i = 0; i < 24; ++i) {
        ShareLink link = random_link(rng);
        if (link.recipe.config.latent_dim > 64 && link.z.kind == LinkZ::Kind::Raw) link.z.kind = LinkZ::Kind::Seeded;
        bases.push_back(link_to_fragment(link));
    }
    bases.push_back(link_to_fragment(base_link()));
    const char alphabet[] = "ganvs=&:,.-_%0123456789abcdefABCDEF~+#zlrpt\x01\xff";
    const auto t0 = std::chrono::steady_clock::now();
    int accepted = 0, deep = 0;
    for (int i = 0; i < total; ++i) {
        std::string text = bases[rng.below(uint32_t(bases.size()))];
        const bool reseal = (i & 1) == 0;
        if (reseal) text = text.substr(0, text.rfind("&c="));
        const int edits = 1 + int(rng.below(3));
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const size_t at = rng.below(uint32_t(text.size()));
            switch (rng.below(6)) {
                case 0: text[at] = char(text[at] ^ (1 << rng.below(8))); break;                    // bit flip
                case 1: text.insert(at, 1, alphabet[rng.below(sizeof alphabet - 1)]); break;     // insert
                case 2: text.erase(at, 1 + rng.below(4)); break;                                 // delete
                case 3: text.resize(at); break;                                                  // truncate
                case 4: {                                                                        // swap two fields
                    const size_t a = text.rfind('&', at), b = text.find('&', at + 1);
                    if (a == std::string::npos || b == std::string::npos) break;
                    const size_t b_end = std::min(text.find('&', b + 1), text.size());
                    text = text.substr(0, a) + text.substr(b, b_end - b) + text.substr(a, b - a) + text.substr(b_end);
                    break;
                }
                default: text[at] = alphabet[rng.below(sizeof alphabet - 1)]; break;            // replace
            }
        }
        if (reseal) {
            text = sealed(text);
            ++deep;
        }
        ShareLink out;
        if (!link_parse(text, &out).ok) continue;
        ++accepted;
        const std::string again = link_to_fragment(out);
        ShareLink back;
        REQUIRE(link_parse(again, &back).ok);
        REQUIRE(link_to_fragment(back) == again);
        // Its own writing, unless a setting was left out (the writer writes every one).
        const size_t hash_at = text.find('#');
        if (hash_at != std::string::npos) text = text.substr(hash_at + 1);  // a URL's part before '#' is ignored
        if (again != text) {
            size_t settings_written = 0;
            for (const Setting& s : settings_list())
                settings_written += text.find("&" + s.key + "=") != std::string::npos;
            INFO(text << "\n" << again);
            REQUIRE(settings_written < settings_list().size());
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("mutation test: %d links (%d resealed), %d accepted, %.2f s\n", total, deep, accepted, seconds);
    CHECK(accepted > 100);  // the resealed half reaches the deep parser: some mutations stay valid
}

// [SECTION] Numbers pinned across platforms

TEST_CASE("latent_slerp and a link's z are pinned (the same bits natively and in wasm)", "[link]") {
    std::vector<float> a(100), b(100), out(100);
    sample_z(1, 0, 100, a.data());
    sample_z(1, 1, 100, b.data());
    std::vector<float> all;
    for (float t : {0.0f, 0.25f, 0.5f, 0.7f, 1.0f}) {
        latent_slerp(a.data(), b.data(), 100, t, out.data());
        all.insert(all.end(), out.begin(), out.end());
    }
    // Ends: t = 0 and 1 give a and b to within rounding; the middle has the norm of a slerp.
    for (int i = 0; i < 100; ++i) {
        CHECK(std::fabs(all[size_t(i)] - a[size_t(i)]) <= 1e-6f * (1 + std::fabs(a[size_t(i)])));
        CHECK(std::fabs(all[size_t(400 + i)] - b[size_t(i)]) <= 1e-6f * (1 + std::fabs(b[size_t(i)])));
    }
    // Against the textbook formula in libm's double (not bit-exact: libm's last bit may differ).
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < 100; ++i) {
        dot += double(a[size_t(i)]) * b[size_t(i)];
        na += double(a[size_t(i)]) * a[size_t(i)];
        nb += double(b[size_t(i)]) * b[size_t(i)];
    }
    const double omega = std::acos(dot / std::sqrt(na * nb));
    for (int i = 0; i < 100; ++i) {
        const double expect = (std::sin(0.3 * omega) * a[size_t(i)] + std::sin(0.7 * omega) * b[size_t(i)]) / std::sin(omega);
        CHECK(std::fabs(all[size_t(300 + i)] - expect) <= 1e-6 * (1 + std::fabs(expect)));
    }
    // Parallel and zero vectors: linear interpolation.
    std::vector<float> twice(100), zero(100, 0.0f);
    for (int i = 0; i < 100; ++i) twice[size_t(i)] = 2 * a[size_t(i)];
    latent_slerp(a.data(), twice.data(), 100, 0.5f, out.data());
    CHECK(out[3] == float(0.5 * a[3] + 0.5 * twice[3]));
    latent_slerp(zero.data(), a.data(), 100, 0.25f, out.data());
    CHECK(out[3] == float(0.25 * a[3]));
    CHECK(hash_hex(hash_floats(all)) == "4d57317a0a29ba82");

    ShareLink link = base_link();
    link.z = LinkZ{LinkZ::Kind::Slerp, 3, 4, 5, 6, 0.375f, {}};
    std::vector<float> z(100);
    link_z_values(link.z, 100, z.data());
    CHECK(hash_hex(hash_floats(z)) == "e3784e3d34184758");
    const Matrix batch = link_generator_input(link);
    CHECK(std::memcmp(batch.row(7).data(), z.data(), 400) == 0);
    CHECK(hash_hex(hash64(batch.data(), size_t(batch.size()) * sizeof(float))) == "303657ab9452ebb2");
}

TEST_CASE("The weight and data hashes", "[link]") {
    Gan gan(GanConfig{}, 1);
    const uint64_t h = generator_weight_hash(gan.sample_generator());
    CHECK(hash_hex(h) == "02e54c0ef785d704");
    gan.generator().counters[0] = 1;  // counters count
    CHECK(generator_weight_hash(gan.sample_generator()) != h);
    gan.generator().counters[0] = 0;
    gan.generator().buffers.back() = 2;  // running statistics count
    CHECK(generator_weight_hash(gan.sample_generator()) != h);
    Dataset data;
    data.count = 2;
    data.rows = data.cols = 1;
    data.pixels = {7, 9};
    const uint8_t bytes[] = {2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, 9};
    CHECK(dataset_content_hash(data) == hash64(bytes, sizeof bytes));
    data.labels = {1, 2};
    CHECK(dataset_content_hash(data) == hash64(bytes, sizeof bytes));  // labels are left out
}

// [SECTION] Drawing the digit

TEST_CASE("A grid cell's link draws that cell of the grid, bit for bit; eval links draw the digit alone", "[link]") {
    Gan gan(GanConfig{}, 5);
    Matrix grid_z(64, 100), grid(64, 784);
    sample_z_rows(5, 0, view_of(grid_z));
    SequentialCache cache;
    sample_images(gan.sample_generator(), cache, const_view_of(grid_z), view_of(grid), BatchNormMode::TrainNoUpdate);
    ShareLink link = base_link();
    link.recipe.seed = 5;
    std::vector<float> pixels(784);
    for (int cell : {0, 9, 63}) {
        link.z = LinkZ{LinkZ::Kind::Seeded, 5, uint64_t(cell), 1, 0, 0, {}};
        link.bn = {LinkBatchNorm::Mode::Batch, 5, 64, cell};
        ShareLink back;
        REQUIRE(link_parse(link_to_fragment(link), &back).ok);
        link_render_digit(back, gan.sample_generator(), cache, pixels.data());
        CHECK(std::memcmp(pixels.data(), grid.row(cell).data(), 784 * sizeof(float)) == 0);
    }
    // Eval: one row, running statistics; the same as that z's row of an eval batch.
    link.bn.mode = LinkBatchNorm::Mode::Eval;
    link_render_digit(link, gan.sample_generator(), cache, pixels.data());
    Matrix eval(64, 784);
    sample_images(gan.sample_generator(), cache, const_view_of(grid_z), view_of(eval), BatchNormMode::Eval);
    CHECK(std::memcmp(pixels.data(), eval.row(63).data(), 784 * sizeof(float)) == 0);
    CHECK(std::memcmp(pixels.data(), grid.row(63).data(), 784 * sizeof(float)) != 0);
}
