// training_window.cpp - "Training": start / pause / reset, checkpoints, threads, the figures of
// the last step and the status line. See ui.h.
#include "ui/ui.h"

namespace ganvas {

namespace {

// The status line: errors first, else what the session is doing; then the last message.
void status_line(const SessionStatus& s) {
    ImGui::Separator();
    if (!s.error.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kUiErrorColor, "%s", s.error.c_str());
        ImGui::PopTextWrapPos();
    } else if (s.running) {
        ImGui::TextUnformatted("Training...");
    } else if (s.step == 0) {
        ImGui::TextUnformatted("Ready: press Start.");
    } else if (s.rollback.count > 0 && s.step == s.rollback.restored_step) {
        // Just rolled back (shell/session.h, "Divergence"): what happened and what to try, until Start.
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kUiErrorColor, "Paused: diverged at step %lld (%s), rolled back to step %lld.",
                           static_cast<long long>(s.rollback.diverged_step), s.rollback.reason.c_str(),
                           static_cast<long long>(s.rollback.restored_step));
        ImGui::TextColored(kUiDimColor, "Lower the learning rates (the Diagnosis window's remedy), then Start.");
        ImGui::PopTextWrapPos();
    } else {
        ImGui::TextUnformatted("Paused.");
    }
    if (!s.message.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        if (s.message_is_error)
            ImGui::TextColored(kUiErrorColor, "%s", s.message.c_str());
        else
            ImGui::TextUnformatted(s.message.c_str());
        ImGui::PopTextWrapPos();
    }
}

}  // namespace

void ui_training_window(const UiState& state, UiOutput* out) {
    const SessionStatus& s = state.status;
    const bool has_model = state.session.has_model();
    if (!ui_begin_window(state, UiWindow::Training, out)) return;

    ImGui::BeginDisabled(!s.ready || s.running);
    if (ImGui::Button("Start")) out->commands.push_back(command::Start{});
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.running);
    if (ImGui::Button("Pause")) out->commands.push_back(command::Pause{});
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!has_model);
    if (ImGui::Button("Reset")) out->commands.push_back(command::Reset{});
    ImGui::EndDisabled();

    ImGui::BeginDisabled(!has_model || !state.can_save_file);
    if (ImGui::Button("Save checkpoint")) out->save_checkpoint_file = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!state.can_load_file);
    if (ImGui::Button("Load checkpoint...")) out->load_checkpoint_file = true;
    ImGui::EndDisabled();

    ImGui::Separator();
    ImGui::Text("step        %lld", static_cast<long long>(s.step));
    ImGui::Text("epoch       %lld", static_cast<long long>(s.epoch));
    ImGui::Text("iters/s     %.1f", state.driver.iters_per_sec);
    if (s.max_threads > 1) {  // a build with threads on a machine with several cores
        int n = s.threads;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        if (ImGui::SliderInt("threads", &n, 1, s.max_threads)) out->commands.push_back(command::SetThreads{n});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Cores a training step uses. Same results for any count.");
    }
    ImGui::Separator();
    ImGui::Text("D loss      %.4f", s.last.d_loss);
    ImGui::Text("G loss      %.4f", s.last.g_loss);
    ImGui::Text("D(x)        %.4f", s.last.d_real);
    ImGui::Text("D(G(z))     %.4f", s.last.d_fake);
    ImGui::Separator();
    ImGui::TextColored(kUiDimColor, "%d digits, batch %d, preset '%s', seed %llu", state.session.digit_count(),
                       state.session.gan_config().batch_size, state.session.preset_label().c_str(),
                       static_cast<unsigned long long>(has_model ? state.session.model_seed()
                                                                 : state.session.config().seed));
    ImGui::TextColored(kUiDimColor, "frames %.0f ms median, %.0f ms p95", state.driver.frame_ms_median,
                       state.driver.frame_ms_p95);
    if (state.driver.trainer_thread)
        ImGui::TextColored(kUiDimColor, "training on its own thread");
    else
        ImGui::TextColored(kUiDimColor, "training budget %.0f ms per frame", state.driver.train_slice_ms);
    status_line(s);
    ImGui::End();
}

}  // namespace ganvas
