// explorer_window.cpp - "Digit": the latent explorer. The selected digit large, its z (every
// dimension), Randomize / Nudge, two ends A and B with the spherical interpolation between them
// as a strip, a t slider and an animated walk; Copy link / Download PNG / Copy grid link; the
// rebuild of an opened link (progress, ETA) and what became of it. See ui.h.
//
// Every change of the digit is a session command (SelectSample, SetDigit, OpenLink): the window
// keeps only its own picks (ExplorerState) and never draws a digit itself; the app uploads the
// session's digit and the strip it renders with the snapshot (session.h).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "ui/ui.h"

namespace ganvas {

namespace {

constexpr float kZoomMin = 2, kZoomMax = 12;  // the digit drawn 2x .. 12x (ExplorerState::zoom)
constexpr float kNudge = 0.15f;      // how far Nudge moves each dimension, at most

// The link row: the box and its buttons.
constexpr float kLinkBoxEms = 14;
const char* const kLinkButtons[] = {"Open link", "Copy grid link", "Explore the shipped generator"};

bool link_row_fits() {
    const ImGuiStyle& style = ImGui::GetStyle();
    float width = ImGui::GetFontSize() * kLinkBoxEms;
    for (const char* label : kLinkButtons)
        width += style.ItemSpacing.x + ImGui::CalcTextSize(label).x + 2 * style.FramePadding.x;
    return width <= ImGui::GetContentRegionAvail().x;
}

uint64_t splitmix(uint64_t* state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A fresh random state per press: the time and how many draws came before.
uint64_t draw_state(ExplorerState& e) {
    const double now = ImGui::GetTime();
    uint64_t bits = 0;
    static_assert(sizeof bits == sizeof now, "double is 64 bits");
    std::memcpy(&bits, &now, sizeof bits);
    return bits ^ (++e.draws * 0x2545f4914f6cdd1dULL);
}

std::string z_text(const LinkZ& z) {
    char buf[160];
    switch (z.kind) {
    case LinkZ::Kind::Seeded:
        std::snprintf(buf, sizeof buf, "z = sample %" PRIu64 " of seed %" PRIu64, z.index, z.seed);
        break;
    case LinkZ::Kind::Slerp:
        std::snprintf(buf, sizeof buf, "z = slerp(%" PRIu64 ":%" PRIu64 ", %" PRIu64 ":%" PRIu64 ", t %.3f)", z.seed, z.index,
                      z.seed2, z.index2, double(z.t));
        break;
    case LinkZ::Kind::Raw:
        std::snprintf(buf, sizeof buf, "z = %d edited values", int(z.raw.size()));
        break;
    }
    return buf;
}

void set_digit(UiOutput* out, LinkZ z, const LinkBatchNorm& bn) { out->commands.push_back(command::SetDigit{std::move(z), bn}); }

void rebuild_and_link_state(const SessionStatus& s) {
    if (s.rebuild.active) {
        const float done = s.rebuild.target > 0 ? float(double(s.rebuild.done) / double(s.rebuild.target)) : 0.0f;
        char label[96];
        if (s.rebuild.eta_seconds > 0)
            std::snprintf(label, sizeof label, "rebuilding: step %lld of %lld, %.0f s left", (long long)s.rebuild.done,
                          (long long)s.rebuild.target, s.rebuild.eta_seconds);
        else
            std::snprintf(label, sizeof label, "rebuilding: step %lld of %lld", (long long)s.rebuild.done,
                          (long long)s.rebuild.target);
        ImGui::ProgressBar(done, ImVec2(-1, 0), label);
    }
    if (s.digit.link_message.empty()) return;
    const bool bad = s.digit.link_state == "refused" || s.digit.link_state == "mismatch";
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(bad ? kUiErrorColor : kUiDimColor, "%s", s.digit.link_message.c_str());
    ImGui::PopTextWrapPos();
}

// The digit large, what its z is, and the buttons that change or share it.
void digit_column(const UiState& state, ExplorerState& e, UiOutput* out) {
    const Session& session = state.session;
    const DigitStatus& d = state.status.digit;
    const LinkBatchNorm& bn = session.digit_bn();
    if (state.digit_texture && !state.digit_texture->empty())
        ImGui::Image(state.digit_texture->id(), ImVec2(kDigitSide * e.zoom, kDigitSide * e.zoom));
    // Zoom: - / a slider / + (sliders and buttons work with a finger too).
    if (ImGui::Button("-")) e.zoom = std::max(kZoomMin, e.zoom - 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    ImGui::SliderFloat("##zoom", &e.zoom, kZoomMin, kZoomMax, "zoom %.0fx");
    ImGui::SameLine();
    if (ImGui::Button("+")) e.zoom = std::min(kZoomMax, e.zoom + 1);
    ImGui::TextColored(kUiDimColor, "%s", z_text(session.digit_z()).c_str());
    if (ImGui::Button("Randomize")) {  // a new seeded z: a compact link
        uint64_t r = draw_state(e);
        LinkZ z;
        z.kind = LinkZ::Kind::Seeded;
        z.seed = 1 + splitmix(&r) % 1000000000;
        z.index = splitmix(&r) % 1000000;
        set_digit(out, z, bn);
    }
    ImGui::SameLine();
    if (ImGui::Button("Nudge")) {  // a small random step: raw values
        uint64_t r = draw_state(e);
        LinkZ z;
        z.kind = LinkZ::Kind::Raw;
        z.raw = session.digit_z_values();
        for (float& v : z.raw) v += kNudge * (float(splitmix(&r) >> 40) / float(1 << 24) * 2.0f - 1.0f);
        set_digit(out, z, bn);
    }
    if (ImGui::Button("Set A")) {
        e.a = session.digit_z();
        e.have_a = true;
        ++e.ends_version;
    }
    ImGui::SameLine();
    if (ImGui::Button("Set B")) {
        e.b = session.digit_z();
        e.have_b = true;
        ++e.ends_version;
    }
    ImGui::BeginDisabled(d.link.empty());
    if (ImGui::Button("Copy link")) out->copy_text = "#" + d.link;
    ImGui::EndDisabled();
    if (d.link.empty() && !d.share_refusal.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", d.share_refusal.c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(!state.can_download_png);
    if (ImGui::Button("Download PNG")) out->download_digit_png = true;
    ImGui::EndDisabled();
}

// A and B, the strip between them, t and the walk.
void strip_column(const UiState& state, ExplorerState& e, UiOutput* out) {
    const Session& session = state.session;
    ImGui::TextColored(kUiDimColor, "A: %s", e.have_a ? z_text(e.a).c_str() : "(Set A)");
    ImGui::TextColored(kUiDimColor, "B: %s", e.have_b ? z_text(e.b).c_str() : "(Set B)");
    if (!e.have_a || !e.have_b) {
        ImGui::TextWrapped("Pick two digits as A and B to see the spherical interpolation between them.");
        return;
    }
    if (state.strip_texture && !state.strip_texture->empty()) {
        const float width = ImGui::GetContentRegionAvail().x;
        const float scale = width / float(state.strip_texture->width());
        ImGui::Image(state.strip_texture->id(), ImVec2(width, state.strip_texture->height() * scale));
        if (ImGui::IsItemClicked()) {  // a click on a strip cell moves t there
            const float x = (ImGui::GetIO().MousePos.x - ImGui::GetItemRectMin().x) / width;
            e.t = float(int(x * kStripSteps)) / float(kStripSteps - 1);
            e.t = e.t > 1.0f ? 1.0f : e.t;
            set_digit(out, explorer_slerp_z(e.a, e.b, e.t, session.gan_config().latent_dim), session.digit_bn());
        }
    }
    ImGui::SetNextItemWidth(-40);
    bool changed = ImGui::SliderFloat("t", &e.t, 0.0f, 1.0f, "%.3f");
    ImGui::Checkbox("Walk", &e.walk);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Moves t back and forth between A and B.");
    if (e.walk) {
        e.t += e.walk_direction * ImGui::GetIO().DeltaTime * 0.25f;
        if (e.t >= 1.0f || e.t <= 0.0f) {
            e.t = e.t >= 1.0f ? 1.0f : 0.0f;
            e.walk_direction = -e.walk_direction;
        }
        changed = true;
    }
    if (changed) set_digit(out, explorer_slerp_z(e.a, e.b, e.t, session.gan_config().latent_dim), session.digit_bn());
}

// Every dimension of z, each reachable with its own slider.
void z_editor(const UiState& state, UiOutput* out) {
    const Session& session = state.session;
    const std::vector<float>& values = session.digit_z_values();
    ImGui::TextColored(kUiDimColor, "z (%d dimensions)", int(values.size()));
    ImGui::BeginChild("z values", ImVec2(0, 0), true);
    for (size_t i = 0; i < values.size(); ++i) {
        ImGui::PushID(int(i));
        float v = values[i];
        ImGui::Text("%3d", int(i));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        if (ImGui::SliderFloat("##z", &v, -4.0f, 4.0f, "%.3f")) {
            LinkZ z;
            z.kind = LinkZ::Kind::Raw;
            z.raw = values;
            z.raw[i] = v;
            set_digit(out, z, session.digit_bn());
        }
        ImGui::PopID();
    }
    ImGui::EndChild();
}

}  // namespace

LinkZ explorer_slerp_z(const LinkZ& a, const LinkZ& b, float t, int latent_dim) {
    LinkZ z;
    if (a.kind == LinkZ::Kind::Seeded && b.kind == LinkZ::Kind::Seeded) {
        z.kind = LinkZ::Kind::Slerp;
        z.seed = a.seed;
        z.index = a.index;
        z.seed2 = b.seed;
        z.index2 = b.index;
        z.t = t;
        return z;
    }
    std::vector<float> va(static_cast<size_t>(latent_dim)), vb(static_cast<size_t>(latent_dim));
    link_z_values(a, latent_dim, va.data());
    link_z_values(b, latent_dim, vb.data());
    z.kind = LinkZ::Kind::Raw;
    z.raw.resize(size_t(latent_dim));
    latent_slerp(va.data(), vb.data(), latent_dim, t, z.raw.data());
    return z;
}

void ui_explorer_window(const UiState& state, UiOutput* out) {
    ExplorerState& e = *state.explorer;
    const SessionStatus& s = state.status;
    if (!ui_begin_window(state, UiWindow::Digit, out)) return;
    rebuild_and_link_state(s);

    const float digit_width = std::max(kDigitSide * e.zoom, ImGui::GetFontSize() * 13) + ImGui::GetFontSize() * 2;
    if (!s.digit.selected) {
        ImGui::TextWrapped("Tap a sample in the grid to explore its z here.");
    } else if (ImGui::GetContentRegionAvail().x < 2.5f * digit_width) {
        // A narrow window (a phone): the three parts one under the other; the window scrolls.
        digit_column(state, e, out);
        ImGui::Separator();
        strip_column(state, e, out);
        ImGui::Separator();
        ImGui::BeginChild("z", ImVec2(0, ImGui::GetFrameHeightWithSpacing() * 8));
        z_editor(state, out);
        ImGui::EndChild();
    } else {
        const float rows = link_row_fits() ? 1.0f : 2.0f;  // the link row under the three parts
        const float height = ImGui::GetContentRegionAvail().y - rows * ImGui::GetFrameHeightWithSpacing();
        ImGui::BeginChild("digit", ImVec2(digit_width, height));
        digit_column(state, e, out);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("strip", ImVec2(ImGui::GetContentRegionAvail().x * 0.55f, height));
        strip_column(state, e, out);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("z", ImVec2(0, height));
        z_editor(state, out);
        ImGui::EndChild();
    }

    // A link to open, the grid's link, the shipped generator: one row where it fits, else the
    // buttons continue on the next row.
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * kLinkBoxEms);
    ImGui::InputTextWithHint("##link", "paste a link", e.link_text.data(), e.link_text.size());
    ui_same_line_if_fits(kLinkButtons[0]);
    ImGui::BeginDisabled(e.link_text[0] == 0);
    if (ImGui::Button(kLinkButtons[0])) out->commands.push_back(command::OpenLink{std::string(e.link_text.data())});
    ImGui::EndDisabled();
    ui_same_line_if_fits(kLinkButtons[1]);
    const std::string grid = state.session.grid_link();
    ImGui::BeginDisabled(grid.empty());
    if (ImGui::Button(kLinkButtons[1])) out->copy_text = "#" + grid;
    ImGui::EndDisabled();
    ui_same_line_if_fits(kLinkButtons[2]);
    ImGui::BeginDisabled(!state.can_load_shipped);
    if (ImGui::Button(kLinkButtons[2])) out->load_shipped_generator = true;
    ImGui::EndDisabled();
    ImGui::End();
}

}  // namespace ganvas
