// settings_window.cpp - "Settings": every setting of the training config, one row each, made
// from the settings table (gan/settings.h: settings_list()), never from a list of its own.
//
// A row shows the key, a widget for its type (a combo for a choice, a checkbox for a bool, a
// text field for numbers and width lists: Enter applies), its allowed range and its help as a
// tooltip. Live settings apply at once (command::ChangeSetting, recorded in the recipe at the
// current step); reset-only ones are staged (SettingsState) and apply on "Reset with N
// changes...", after a confirmation, as the new run's config. Every value is checked by the
// core first (settings_set_text, then gan_config_validate for combinations): a refusal is shown
// next to the field, in the core's words, and nothing is applied. See ui.h.
#include <cstdio>

#include "gan/settings.h"
#include "ui/ui.h"

namespace ganvas {

namespace {

// The table's encoding without [ ] and quotes: 128,256,512 and bce (what settings_set_text takes).
std::string bare_text(std::string text) {
    std::string out;
    for (char c : text)
        if (c != '[' && c != ']' && c != '"') out += c;
    return out;
}

// The core's verdict on `key` = `text` over `config`: ok, or why not.
Status check_value(GanConfig config, const std::string& key, const std::string& text) {
    if (Status s = settings_set_text(&config, key, text); !s) return s;
    return gan_config_validate(config);
}

void enter_value(const UiState& state, const Setting& setting, const std::string& text, UiOutput* out) {
    ui_settings_enter(state.session, state.settings, setting.key, text, &out->commands);
}

}  // namespace

Status ui_settings_enter(const Session& session, SettingsState* st, const std::string& key, const std::string& text,
                         std::vector<SessionCommand>* commands) {
    const Setting* setting = settings_find(key);
    if (!setting) return Status::failure("there is no setting '" + key + "'");
    if (!session.has_model() || session.explore_only()) {
        const Status no = Status::failure("there is no run of your own to change (Reset starts one)");
        st->errors[key] = no.message;
        return no;
    }
    const GanConfig live = session.live_config();
    GanConfig base = live;  // reset-only values are checked together with the others staged
    for (const auto& [other, staged] : st->staged)
        if (other != key) settings_set_text(&base, other, staged);
    Status ok = check_value(base, key, text);
    if (ok && setting->scope == SettingScope::Reset && key == "batch_size" && session.digit_count() > 0) {
        GanConfig c = base;
        settings_set_text(&c, key, text);
        if (c.batch_size > session.digit_count())
            ok = Status::failure("batch_size " + std::to_string(c.batch_size) + " is more than the " +
                                 std::to_string(session.digit_count()) + " digits loaded");
    }
    if (!ok) {
        st->errors[key] = ok.message;
        return ok;
    }
    st->errors.erase(key);
    if (setting->scope == SettingScope::Live) {
        commands->push_back(command::ChangeSetting{key, text});
    } else {
        GanConfig now = live;
        settings_set_text(&now, key, text);
        if (settings_get_text(now, *setting) == settings_get_text(live, *setting))
            st->staged.erase(key);  // back to the run's value: nothing to apply
        else
            st->staged[key] = bare_text(settings_get_text(now, *setting));
    }
    return Status::success();
}

command::Reset ui_settings_reset(SettingsState* st) {
    command::Reset reset;
    for (const auto& [key, text] : st->staged) reset.settings.emplace_back(key, text);
    st->staged.clear();
    return reset;
}

namespace {

void setting_row(const UiState& state, const Setting& setting, const GanConfig& live, bool can_change, UiOutput* out) {
    SettingsState& st = *state.settings;
    const auto staged = st.staged.find(setting.key);
    const std::string current = staged != st.staged.end() ? staged->second : bare_text(settings_get_text(live, setting));
    ImGui::PushID(setting.key.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(setting.key.c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s\n%s, %s; %s", setting.help.c_str(), setting_type_name(setting.type),
                          setting_range_text(setting).c_str(),
                          setting.scope == SettingScope::Live ? "applies at once" : "applies on Reset");
    ImGui::SameLine(ImGui::GetFontSize() * 8);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    ImGui::BeginDisabled(!can_change);
    if (setting.type == SettingType::Choice && setting.choices) {
        if (ImGui::BeginCombo("##value", current.c_str())) {
            for (const std::string& choice : setting.choices())
                if (ImGui::Selectable(choice.c_str(), choice == current) && choice != current)
                    enter_value(state, setting, choice, out);
            ImGui::EndCombo();
        }
    } else if (setting.type == SettingType::Bool) {
        bool on = current == "true";
        if (ImGui::Checkbox("##value", &on)) enter_value(state, setting, on ? "true" : "false", out);
    } else {
        char buffer[256];
        std::snprintf(buffer, sizeof buffer, "%s", current.c_str());
        if (ImGui::InputText("##value", buffer, sizeof buffer, ImGuiInputTextFlags_EnterReturnsTrue))
            enter_value(state, setting, buffer, out);
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (staged != st.staged.end())
        ImGui::TextColored(kUiDimColor, "on Reset");
    else
        ImGui::TextColored(kUiDimColor, "%s", setting.scope == SettingScope::Live ? "live" : "reset");
    const auto error = st.errors.find(setting.key);
    if (error != st.errors.end()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kUiErrorColor, "%s", error->second.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::PopID();
}

void reset_row(const UiState& state, UiOutput* out) {
    SettingsState& st = *state.settings;
    char label[64];
    std::snprintf(label, sizeof label, "Reset with %d change%s...", int(st.staged.size()), st.staged.size() == 1 ? "" : "s");
    ImGui::BeginDisabled(st.staged.empty() || !state.session.has_model());
    if (ImGui::Button(label)) ImGui::OpenPopup("Apply on reset?");
    ImGui::EndDisabled();
    ui_same_line_if_fits("Discard");
    ImGui::BeginDisabled(st.staged.empty());
    if (ImGui::Button("Discard")) st.staged.clear();
    ImGui::EndDisabled();
    if (ImGui::BeginPopupModal("Apply on reset?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextUnformatted("A new run starts at step 0 with:");
        for (const auto& [key, text] : st.staged) ImGui::BulletText("%s = %s", key.c_str(), text.c_str());
        ImGui::TextColored(kUiDimColor, "The current run's weights are dropped.");
        if (ImGui::Button("Reset now")) {
            out->commands.push_back(ui_settings_reset(&st));
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

}  // namespace

void ui_settings_window(const UiState& state, UiOutput* out) {
    if (!state.settings || !ui_begin_window(state, UiWindow::Settings, out)) return;
    const Session& session = state.session;
    const GanConfig live = session.live_config();
    const bool can_change = session.has_model() && !session.explore_only() && !session.rebuilding();
    ImGui::TextColored(kUiDimColor, "Enter applies. Live ones from the next step; reset ones on Reset.");
    for (const SettingScope scope : {SettingScope::Live, SettingScope::Reset}) {
        ImGui::Separator();
        ImGui::TextUnformatted(scope == SettingScope::Live ? "Live" : "On reset (shapes, batch)");
        for (const Setting& setting : settings_list())
            if (setting.scope == scope) setting_row(state, setting, live, can_change, out);
    }
    ImGui::Separator();
    reset_row(state, out);
    ImGui::End();
}

}  // namespace ganvas
