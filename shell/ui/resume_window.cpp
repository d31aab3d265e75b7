// resume_window.cpp - "Resume your run?": the page keeps the current run (checkpoint, loss
// history, recipe) in the browser every few seconds (web/kept_run.js); when a visit opens
// with one kept, this modal asks whether to continue it where it stopped or start over. It
// reads UiState::saved_run and answers in UiOutput::saved_run_choice; the app hands the answer
// to the platform (CheckpointHooks::saved_run_choice), which loads the run or forgets it.
#include <cinttypes>
#include <cstdio>

#include "ui/ui.h"

namespace ganvas {

void ui_resume_window(const UiState& state, UiOutput* out) {
    constexpr const char* kTitle = "Resume your run?";
    if (state.saved_run == nullptr) return;
    if (!ImGui::IsPopupOpen(kTitle)) ImGui::OpenPopup(kTitle);
    const ImVec2 canvas = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(canvas.x * 0.5f, canvas.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(canvas.x * 0.95f, canvas.y * 0.9f));
    if (!ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    char line[160];
    std::snprintf(line, sizeof line, "You left a run at step %" PRId64 "%s%s.", state.saved_run->step,
                  state.saved_run->saved_at.empty() ? "" : ", kept in this browser at ",
                  state.saved_run->saved_at.c_str());
    ImGui::TextUnformatted(line);
    ImGui::TextUnformatted("Resume continues it exactly where it stopped.");
    if (ImGui::Button("Resume")) {
        out->saved_run_choice = 1;
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Start over")) {
        out->saved_run_choice = -1;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace ganvas
