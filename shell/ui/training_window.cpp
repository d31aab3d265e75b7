// training_window.cpp - "Training": start / pause / reset, step by step (Step, Step D, Step G,
// Run N steps, the speed), checkpoints, threads, the figures of the last step, the keys' help
// line and the status line. See ui.h (PaceState: the app paces slow motion and Run N).
#include <algorithm>

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

// The preset picker: choosing one is a Reset to a fresh model of it (command::SetPreset).
void preset_picker(const UiState& state, UiOutput* out) {
    ImGui::SameLine();
    const std::string& current = state.status.preset;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    ImGui::BeginDisabled(state.status.running);
    if (ImGui::BeginCombo("##preset", current.c_str())) {
        for (const std::string& name : gan_config_preset_names()) {
            if (ImGui::Selectable(name.c_str(), name == current)) out->commands.push_back(command::SetPreset{name});
            if (ImGui::IsItemHovered()) {
                const std::string changes = gan_config_preset_changes(name);
                ImGui::SetTooltip("%s%s%s", gan_config_preset_summary(name).c_str(), changes.empty() ? "" : "\n",
                                  changes.c_str());
            }
        }
        ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Preset: choosing one resets to a fresh model of it (same seed).");
}

// Step, Step D, Step G, Run N and the speed.
void step_controls(const UiState& state, bool paced, UiOutput* out) {
    const SessionStatus& s = state.status;
    PaceState& pace = *state.pace;
    ImGui::BeginDisabled(!s.ready || s.running || paced);
    if (ImGui::Button("Step")) out->commands.push_back(command::Step{1});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One iteration: the D step(s), then the G step (key s).");
    ui_same_line_if_fits("Step D");
    if (ImGui::Button("Step D")) out->commands.push_back(command::StepAlone{'d'});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One discriminator update alone (recorded in the recipe).");
    ui_same_line_if_fits("Step G");
    if (ImGui::Button("Step G")) out->commands.push_back(command::StepAlone{'g'});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One generator update alone (recorded in the recipe).");
    ImGui::EndDisabled();
    ImGui::BeginDisabled(!s.ready || s.running);
    if (pace.run_left > 0) {
        if (ImGui::Button("Stop run")) pace.run_left = 0;
    } else if (ImGui::Button("Run")) {
        pace.run_left = std::max(pace.run_count, 1);
        pace.credit = 0;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    ImGui::InputInt("steps##run", &pace.run_count, 0, 0);
    pace.run_count = std::clamp(pace.run_count, 1, 1000000);
    ImGui::EndDisabled();
    float speed = pace.steps_per_second > 0 ? pace.steps_per_second : kPaceMaxStepsPerSecond + 1;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderFloat("speed", &speed, 0.25f, kPaceMaxStepsPerSecond + 1,
                           speed > kPaceMaxStepsPerSecond ? "full" : "%.2f steps/s", ImGuiSliderFlags_Logarithmic))
        pace.steps_per_second = speed > kPaceMaxStepsPerSecond ? 0 : speed;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Slow motion for teaching: Start and Run step at this rate, the grid after each step.");
    if (s.lone_d > 0 || s.lone_g > 0)
        ImGui::TextColored(kUiDimColor, "lone updates: %lld D, %lld G", static_cast<long long>(s.lone_d),
                           static_cast<long long>(s.lone_g));
}

}  // namespace

const char* const kUiKeysHelp = "keys: space start/pause, s step, r reset";

void ui_training_window(const UiState& state, UiOutput* out) {
    const SessionStatus& s = state.status;
    const bool has_model = state.session.has_model();
    if (!ui_begin_window(state, UiWindow::Training, out)) return;

    PaceState* pace = state.pace;
    const bool paced = pace && (pace->playing || pace->run_left > 0);  // the app steps (slow motion, Run N)
    ImGui::BeginDisabled(!s.ready || s.running || paced);
    if (ImGui::Button("Start")) {
        if (pace && pace->steps_per_second > 0)
            pace->playing = true, pace->credit = 0;
        else
            out->commands.push_back(command::Start{});
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.running && !paced);
    if (ImGui::Button("Pause")) {
        out->commands.push_back(command::Pause{});
        if (pace) pace->playing = false, pace->run_left = 0;
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!has_model);
    if (ImGui::Button("Reset")) out->commands.push_back(command::Reset{});
    ImGui::EndDisabled();
    preset_picker(state, out);

    if (pace) step_controls(state, paced, out);

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
    ImGui::TextColored(kUiDimColor, "%s", kUiKeysHelp);
    status_line(s);
    ImGui::End();
}

}  // namespace ganvas
