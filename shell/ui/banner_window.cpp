// banner_window.cpp - the banner: one line at the top that tells a stranger what Ganvas is and
// what they are looking at, the one button that matters (Start / Pause, or "Show the digit" for
// a shared link), and the Windows menu (which windows are open, Reset layout). See ui.h.
#include "ui/ui.h"

namespace ganvas {

namespace {

BannerLine banner_line(const SessionStatus& s) {
    if (s.digit.link_state == "rebuilding" || s.rebuild.active) return BannerLine::LinkRebuilding;
    if (s.digit.link_state == "shown" || s.digit.link_state == "mismatch") return BannerLine::LinkShown;
    return s.running ? BannerLine::Training : BannerLine::Idle;
}

void buttons(const UiState& state, bool linked, UiOutput* out) {
    const SessionStatus& s = state.status;
    if (linked) {
        if (ImGui::Button("Show the digit")) out->show_digit = true;
    } else if (s.running) {
        if (ImGui::Button("Pause")) out->commands.push_back(command::Pause{});
    } else {
        ImGui::BeginDisabled(!s.ready || s.explore_only);
        if (ImGui::Button("Start")) out->commands.push_back(command::Start{});
        ImGui::EndDisabled();
    }
    ImGui::SameLine();
    if (ImGui::Button("Windows")) ImGui::OpenPopup("windows");
    if (ImGui::BeginPopup("windows")) {
        for (int i = 0; i < kUiWindowCount; ++i) {
            const bool open = state.layout == nullptr || state.layout->open[size_t(i)];
            if (ImGui::MenuItem(ui_window_title(UiWindow(i)), nullptr, open)) out->set_open[size_t(i)] = open ? -1 : 1;
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Reset layout")) out->reset_layout = true;
        ImGui::EndPopup();
    }
}

}  // namespace

void ui_banner(const UiState& state, UiOutput* out) {
    if (state.layout == nullptr) return;
    const Layout& layout = state.layout->layout;
    const LayoutRect& r = layout.banner;
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(r.width, r.height), ImGuiCond_Always);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("##banner", nullptr, flags);
    const BannerLine line = banner_line(state.status);
    const bool linked = line == BannerLine::LinkRebuilding || line == BannerLine::LinkShown;
    if (layout.banner_text_beside) {
        buttons(state, linked, out);
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextWrapped("%s", layout_banner_text(line));
    } else {
        ImGui::TextWrapped("%s", layout_banner_text(line));
        buttons(state, linked, out);
    }
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    out->banner_rect = ScreenRect{pos.x, pos.y, size.x, size.y};
    // The layout sized the banner from the text's wrapped lines (layout.cpp): did it all fit?
    out->banner_clipped = ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y >
                          size.y - ImGui::GetStyle().WindowPadding.y + 1;
    ImGui::End();
}

}  // namespace ganvas
