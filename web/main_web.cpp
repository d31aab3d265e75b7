// main_web.cpp - the browser entry: the shared frame under emscripten_set_main_loop, plus
// the C exports that web/ganvas_api.js wraps as window.ganvas.{start,pause,reset,setThreads,
// status,bench,saveCheckpoint,downloadCheckpoint,loadCheckpoint,windows,resetLayout,diagnosis,
// changeSetting,...} (the digit and link exports are in digit_exports.cpp). Each one is a session command
// (shell/session.h) applied through the app's driver; JSON with nlohmann-json (no exceptions in
// wasm: nothing here parses untrusted text except the bench row, checked; links are parsed by
// core/io/link.h, which refuses bad text with a Status).
//
// The Training window's checkpoint buttons (CheckpointHooks in shell/app.h) call into the page:
// "Save checkpoint" hands the bytes to Module.ganvasDownload (a Blob + <a download> of
// ganvas-step<N>.safetensors) and "Load checkpoint..." to Module.ganvasPickCheckpoint (a hidden
// <input type=file>; the chosen file comes back through window.ganvas.loadCheckpoint).
// The Digit window's buttons (PlatformHooks) call into the page the same way: "Copy link" ->
// Module.ganvasCopyText (the clipboard), "Download PNG" -> Module.ganvasDownloadPng (a canvas
// encodes the grey pixels), "Explore the shipped generator" -> Module.ganvasLoadShipped (fetches
// shipped-generator.safetensors and hands it back through window.ganvas.loadGenerator).
//
// main() runs once the runtime is up and the preloaded /assets/ files are in the virtual
// file system. It opens the WebGL2 canvas, builds the app and then tells the page whether
// it is ready (Module.ganvasReady(ok, message) resolves or rejects window.ganvas.ready).
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "base/hash.h"
#include "base/parallel.h"
#include "diagnosis.h"
#include "gan/config.h"
#include "gan/bench.h"
#include "io/link.h"
#include "window.h"

#include <nlohmann/json.hpp>

#include "web_exports.h"

namespace {

using Json = nlohmann::ordered_json;  // keys in the order written, as before

constexpr const char* kAssetsDir = "/assets";  // where web/CMakeLists.txt preloads the digits
constexpr const char* kFontFile = "/assets/font.ttf";  // ... and the font (DejaVu Sans Mono)

// Which of the two page builds this is (web/CMakeLists.txt): ganvas_mt (pthreads, used when the
// page is cross-origin isolated) or ganvas_st (one thread, everywhere else).
#if defined(__EMSCRIPTEN_PTHREADS__)
constexpr const char* kBuildName = "wasm-simd128-threads";
#else
constexpr const char* kBuildName = "wasm-simd128";
#endif

struct WebShell {
    ganvas::Window window;       // declared first: destroyed last, after the app's textures
    std::unique_ptr<ganvas::App> app;
};

// The one live shell. The C exports below are called from JavaScript with no context
// argument, so they need a file-level handle; nothing else touches it.
std::unique_ptr<WebShell>& web_shell() {
    static std::unique_ptr<WebShell> shell;
    return shell;
}

void web_frame() {
    WebShell* shell = web_shell().get();
    if (shell != nullptr && shell->app) ganvas::app_run_frame(shell->window, *shell->app);
}

void notify_page(bool ok, const std::string& message) {
    // clang-format off
    EM_ASM({
        if (Module['ganvasReady']) Module['ganvasReady']($0 !== 0, UTF8ToString($1));
    }, ok ? 1 : 0, message.c_str());
    // clang-format on
}

// The checkpoint buttons' hooks: the page does the file work (web/ganvas_files.js).
void download_checkpoint(ganvas::App& app) {
    const std::vector<uint8_t> bytes = app.save_checkpoint();
    const std::string name = "ganvas-step" + std::to_string(app.status().step) + ".safetensors";
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasDownload']) return 0;
        Module['ganvasDownload'](HEAPU8.slice($0, $0 + $1), UTF8ToString($2));
        return 1;
    }, bytes.data(), bytes.size(), name.c_str());
    // clang-format on
    if (ok)
        app.show_message("Saved checkpoint: " + name + " (see your downloads)");
    else
        app.show_message("Cannot save the checkpoint: the page has no download helper.", true);
}

void pick_checkpoint(ganvas::App& app) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasPickCheckpoint']) return 0;
        Module['ganvasPickCheckpoint']();
        return 1;
    });
    // clang-format on
    if (!ok) app.show_message("Cannot load a checkpoint: the page has no file picker.", true);
}

// The Real digits window's "Load images...": the page's picker (web/ganvas_data.js).
void pick_data(ganvas::App& app) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasPickData']) return 0;
        Module['ganvasPickData']();
        return 1;
    });
    // clang-format on
    if (!ok) app.show_message("Cannot load images: the page has no file picker.", true);
}

// [SECTION] The Digit window's hooks: the page does the clipboard, the PNG and the fetch.
void copy_text(ganvas::App& app, const std::string& text) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasCopyText']) return 0;
        Module['ganvasCopyText'](UTF8ToString($0));
        return 1;
    }, text.c_str());
    // clang-format on
    if (ok)
        app.show_message("Copied the link (" + std::to_string(text.size()) + " characters) to the clipboard.");
    else
        app.show_message("Cannot copy: the page has no clipboard helper.", true);
}

void download_png(ganvas::App& app, const ganvas::GreyImage& image, const std::string& name) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasDownloadPng']) return 0;
        Module['ganvasDownloadPng'](HEAPU8.slice($0, $0 + $1 * $2), $1, $2, UTF8ToString($3));
        return 1;
    }, image.pixels.data(), image.width, image.height, name.c_str());
    // clang-format on
    if (ok)
        app.show_message("Saved " + name + " (see your downloads)");
    else
        app.show_message("Cannot save the PNG: the page has no download helper.", true);
}

void load_shipped_generator(ganvas::App& app) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasLoadShipped']) return 0;
        Module['ganvasLoadShipped']();
        return 1;
    });
    // clang-format on
    if (ok)
        app.show_message("Fetching the shipped generator...");
    else
        app.show_message("Cannot fetch the shipped generator: the page has no helper for it.", true);
}

// The diagnosis needs its classifier (shell/diagnosis.h): the page fetches classifier.safetensors
// (Module.ganvasLoadClassifier, web/ganvas_api.js) and hands it back through ganvas_load_classifier.
void load_classifier(ganvas::App& app) {
    // clang-format off
    const int ok = EM_ASM_INT({
        if (!Module['ganvasLoadClassifier']) return 0;
        Module['ganvasLoadClassifier']();
        return 1;
    });
    // clang-format on
    if (!ok) app.classifier_failed("the page has no helper to fetch the classifier.");
}

// The Resume window's answer about the run the page kept (web/ganvas_api.js loads or forgets it).
void saved_run_choice(ganvas::App&, bool resume) {
    EM_ASM({ if (Module['ganvasSavedRunChoice']) Module['ganvasSavedRunChoice']($0 !== 0); }, resume ? 1 : 0);
}

// JSON numbers: not finite becomes null (JSON has no NaN).
Json json_number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json json_rect(const ganvas::ScreenRect& r) {
    return Json{{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
}

std::string status_json(const ganvas::AppStatus& s) {
    Json j;
    j["step"] = s.step;
    j["epoch"] = s.epoch;
    j["d_loss"] = json_number(s.last.d_loss);
    j["g_loss"] = json_number(s.last.g_loss);
    j["d_real"] = json_number(s.last.d_real);
    j["d_fake"] = json_number(s.last.d_fake);
    j["iters_per_sec"] = json_number(s.iters_per_sec);
    j["train_slice_ms"] = json_number(s.train_slice_ms);
    j["frame_ms"] = json_number(s.frame_ms);
    j["frame_ms_median"] = json_number(s.frame_ms_median);
    j["frame_ms_p95"] = json_number(s.frame_ms_p95);
    j["frame_work_ms_median"] = json_number(s.frame_work_ms_median);
    j["frame_work_ms_p95"] = json_number(s.frame_work_ms_p95);
    j["threads"] = s.threads;
    j["trainer_thread"] = s.trainer_thread;
    j["max_threads"] = s.max_threads;
    j["build"] = kBuildName;
    // Memory: the wasm linear memory (grows, never shrinks) and the bytes malloc has handed out.
    j["wasm_memory_bytes"] = uint64_t(emscripten_get_heap_size());
    j["heap_in_use_bytes"] = uint64_t(mallinfo().uordblks);
    j["running"] = s.running;
    j["ready"] = s.ready;
    j["samples_rect"] = json_rect(s.samples_rect);
    j["real_rect"] = json_rect(s.real_rect);
    j["error"] = s.error;
    j["message"] = s.message;
    j["message_is_error"] = s.message_is_error;
    j["explore_only"] = s.explore_only;  // a generator file's model: it cannot train
    j["preset"] = s.preset;  // the session's preset (setPreset)
    j["lone_d"] = s.lone_d;  // lone D / G updates (Step D / Step G)
    j["lone_g"] = s.lone_g;
    // The images training uses: the built-in digits or the user's (window.ganvas.loadData).
    j["data"] = Json{{"name", s.data_name}, {"count", s.data_count}, {"labels", s.data_labels},
                     {"hash", s.data_hash == 0 ? std::string() : ganvas::hash_hex(s.data_hash)}};
    // Opening a link: the rebuild's progress, and what the selected digit and its link are.
    j["rebuild"] = Json{{"active", s.rebuild.active},
                        {"target", s.rebuild.target},
                        {"done", s.rebuild.done},
                        {"eta", json_number(s.rebuild.eta_seconds)}};
    j["digit"] = Json{{"selected", s.digit.selected},
                      {"link", s.digit.link},
                      {"share_refusal", s.digit.share_refusal},
                      {"link_state", s.digit.link_state},
                      {"link_message", s.digit.link_message}};
    // Divergence (shell/session.h): how many rollbacks, the last one's steps and reason, and the
    // newest good snapshot's step (-1: none).
    j["rollback"] = Json{{"count", s.rollback.count},
                         {"diverged_step", s.rollback.diverged_step},
                         {"restored_step", s.rollback.restored_step},
                         {"reason", s.rollback.reason},
                         {"undone", s.rollback.undone},
                         {"snapshot_step", s.rollback.snapshot_step}};
    // Invalid UTF-8 (a file name in a message) is replaced, never thrown over.
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

// web_exports.h: what the other export files (chart_, data_, digit_exports.cpp) share.
ganvas::App* web_app() { return web_shell() ? web_shell()->app.get() : nullptr; }

// {"ok":true} or {"ok":false,"error":"..."} for a command's outcome, in `json` (kept by the caller).
const char* outcome_json(const ganvas::Status& outcome, std::string* json) {
    const Json result = outcome ? Json{{"ok", true}} : Json{{"ok", false}, {"error", outcome.message}};
    *json = result.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json->c_str();
}

ganvas::Status run_on_app(ganvas::SessionCommand command) {
    ganvas::App* app = web_app();
    if (!app) return ganvas::Status::failure("The app is not running.");
    return app->run(std::move(command));
}

extern "C" {

EMSCRIPTEN_KEEPALIVE void ganvas_start() {
    if (ganvas::App* app = web_app()) app->play();  // slow motion when setSpeed() set a speed
}

EMSCRIPTEN_KEEPALIVE void ganvas_pause() {
    if (ganvas::App* app = web_app()) app->pause();  // also ends slow motion and runSteps()
}

// A Reset that applies the staged reset-only settings (App::reset_with_staged): the outcome JSON.
EMSCRIPTEN_KEEPALIVE const char* ganvas_reset() {
    static std::string json;
    ganvas::App* app = web_app();
    return outcome_json(app ? app->reset_with_staged() : ganvas::Status::failure("The app is not running."), &json);
}

// A setting typed as in the Settings window (App::set_setting): {"ok":true,"staged":bool} (a
// reset-only one is staged for reset()), or {"ok":false,"message":"..."} with the core's reason.
EMSCRIPTEN_KEEPALIVE const char* ganvas_set_setting(const char* key, const char* text) {
    static std::string json;
    ganvas::App* app = web_app();
    bool staged = false;
    const ganvas::Status s = app ? app->set_setting(key ? key : "", text ? text : "", &staged)
                                 : ganvas::Status::failure("The app is not running.");
    const Json result = s ? Json{{"ok", true}, {"staged", staged}, {"message", staged ? "staged: applies on reset" : "applied"}}
                          : Json{{"ok", false}, {"message", s.message}};
    json = result.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// One D (kind 0) or G (kind 1) update alone (command::StepAlone): the outcome JSON.
EMSCRIPTEN_KEEPALIVE const char* ganvas_step_alone(int kind) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::StepAlone{kind == 0 ? 'd' : 'g'}), &json);
}

// Slow motion (App::set_speed): steps per second, 0 for full speed; returns the speed in effect.
EMSCRIPTEN_KEEPALIVE double ganvas_set_speed(double steps_per_second) {
    ganvas::App* app = web_app();
    return app ? app->set_speed(steps_per_second) : 0.0;
}

// "Run N steps" over the next frames at the speed (App::run_steps).
EMSCRIPTEN_KEEPALIVE void ganvas_run_steps(int count) {
    if (ganvas::App* app = web_app()) app->run_steps(count);
}

// Trains `count` whole iterations now (a begun one counts as one, so a paused model then ends on
// a step boundary, which a share link needs): {"ok":true} or {"ok":false,"error":"..."}.
EMSCRIPTEN_KEEPALIVE const char* ganvas_step(int count) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::Step{count}), &json);
}

// Threads training uses, clamped to 1 .. max_threads (1 in the one-thread build); returns the
// count in effect. The results are the same bits for any count.
EMSCRIPTEN_KEEPALIVE int ganvas_set_threads(int n) {
    if (ganvas::App* app = web_app()) app->run(ganvas::command::SetThreads{n});
    return ganvas::threads();
}

// One benchmark row (core/gan/bench.h) for preset `preset` (the seed's by default) at `batch` on `threads` threads (clamped
// to what this build has): the JSON line `ganvas bench --json` prints, or {"error": "..."} on bad
// arguments. Runs synchronously, so the page is
// frozen meanwhile: the glue calls it once per batch size and lets frames run in between.
// The pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_bench_json(int batch, int trials, int steps_per_trial, int threads,
                                                   const char* preset) {
    static std::string json;
    ganvas::BenchOptions options;
    if (preset != nullptr && *preset != '\0') options.preset = preset;  // bench_run refuses an unknown one
    options.batch = batch;
    options.threads = std::min(threads, ganvas::max_threads());
    options.trials = trials;
    options.steps_per_trial = steps_per_trial;
    ganvas::BenchResult result;
    // No data: the benchmark trains on random pixels (the speed does not depend on them).
    const ganvas::Status run = ganvas::bench_run(options, ganvas::Dataset{}, &result);
    Json row;
    if (run) {
        row = Json::parse(ganvas::bench_result_json(result), nullptr, false);
        if (row.is_discarded() || !row.is_object()) row = Json{{"error", "the benchmark row is not a JSON object"}};
        else row["build"] = kBuildName;
    } else {
        row = Json{{"error", "batch " + std::to_string(batch) + ": " + run.message}};
    }
    json = row.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// The model as checkpoint bytes: returns the first byte and sets *size_out (0 and nullptr
// when there is no app). The bytes stay valid until the next call.
EMSCRIPTEN_KEEPALIVE const uint8_t* ganvas_checkpoint_save(int* size_out) {
    static std::vector<uint8_t> bytes;
    bytes.clear();
    if (ganvas::App* app = web_app()) bytes = app->save_checkpoint();
    if (size_out != nullptr) *size_out = int(bytes.size());
    return bytes.empty() ? nullptr : bytes.data();
}

// Loads checkpoint bytes into the app (App::load_checkpoint), with the loss history kept next to
// them when `history` is not empty: {"ok":true,"step":N} or {"ok":false,"error":"..."}. The
// pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_checkpoint_load(const uint8_t* bytes, size_t size, const char* history) {
    static std::string json;
    ganvas::Status loaded = ganvas::Status::failure("The app is not running.");
    ganvas::App* app = web_app();
    if (app) loaded = app->load_checkpoint(bytes, size, history != nullptr ? history : "");
    const Json result = loaded ? Json{{"ok", true}, {"step", app->status().step}}
                               : Json{{"ok", false}, {"error", loaded.message}};
    json = result.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// The loss history (TrainingHistory::to_json), to keep with the checkpoint just saved.
EMSCRIPTEN_KEEPALIVE const char* ganvas_history_json() {
    static std::string json;
    ganvas::App* app = web_app();
    json = app ? app->history_json() : "";
    return json.c_str();
}

// The Resume window for a run kept in IndexedDB (step < 0 withdraws it).
EMSCRIPTEN_KEEPALIVE void ganvas_offer_saved_run(double step, const char* saved_at) {
    if (ganvas::App* app = web_app()) app->offer_saved_run(int64_t(step), saved_at != nullptr ? saved_at : "");
}

// A line for the status line (the page's own errors, e.g. a failed fetch).
EMSCRIPTEN_KEEPALIVE void ganvas_show_message(const char* text, int is_error) {
    if (ganvas::App* app = web_app(); app && text != nullptr) app->show_message(text, is_error != 0);
}

// [SECTION] The layout (shell/ui/layout.h)

// "Reset layout": every window back where the layout puts it, the default windows open.
EMSCRIPTEN_KEEPALIVE void ganvas_reset_layout() {
    if (ganvas::App* app = web_app()) app->reset_layout();
}

// The banner and every open window as drawn in the last frame, CSS pixels: a JSON array of
// {"name","x","y","width","height","moved","scroll_y"} (moved: the user moved or resized it;
// scroll_y: how far its content is scrolled down; the banner
// also has "clipped": its text did not fit the height the layout gave it, and "font_pixels": the
// font atlas's size, the text size x the pixel ratio; the Digit window
// "zoom": its digit's zoom).
EMSCRIPTEN_KEEPALIVE const char* ganvas_windows_json() {
    static std::string json;
    Json list = Json::array();
    if (ganvas::App* app = web_app())
        for (const ganvas::AppWindowRect& w : app->windows()) {
            Json j = json_rect(w.rect);
            j["name"] = w.name;
            j["moved"] = w.moved_by_user;
            j["scroll_y"] = w.scroll_y;
            if (w.name == "banner") {
                j["clipped"] = w.clipped;
                j["font_pixels"] = w.font_pixels;
            }
            if (w.zoom > 0) j["zoom"] = w.zoom;
            list.push_back(std::move(j));
        }
    json = list.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// [SECTION] The diagnosis (shell/diagnosis.h)

// The classifier file's bytes for the diagnosis: {"ok":true} or {"ok":false,"error":"..."}.
EMSCRIPTEN_KEEPALIVE const char* ganvas_load_classifier(const uint8_t* bytes, size_t size) {
    static std::string json;
    ganvas::App* app = web_app();
    if (!app) return outcome_json(ganvas::Status::failure("The app is not running."), &json);
    return outcome_json(app->load_classifier(bytes, size), &json);
}

// The page could not fetch it: the Diagnosis window says why.
EMSCRIPTEN_KEEPALIVE void ganvas_classifier_failed(const char* why) {
    if (ganvas::App* app = web_app(); app && why != nullptr) app->classifier_failed(why);
}

// {"points":[{step,fd,modes,kl,confident,histogram[10],d_real,d_fake,d_loss,g_loss,scored}],
//  "alerts":[{kind,text,since_step,remedy,remedy_why}],"score_ms","sample_ms","classifier_loaded","status"}
EMSCRIPTEN_KEEPALIVE const char* ganvas_diagnosis_json() {
    static std::string json;
    Json j;
    Json points = Json::array(), alerts = Json::array();
    if (ganvas::App* app = web_app()) {
        const ganvas::Diagnosis& d = app->diagnosis();
        for (const ganvas::DiagnosisPoint& p : d.points())
            points.push_back(Json{{"step", p.step}, {"fd", json_number(p.fd)}, {"modes", p.modes},
                                  {"kl", json_number(p.kl)}, {"confident", json_number(p.confident)},
                                  {"histogram", p.histogram}, {"d_real", json_number(p.d_real)},
                                  {"d_fake", json_number(p.d_fake)}, {"d_loss", json_number(p.d_loss)},
                                  {"g_loss", json_number(p.g_loss)}, {"scored", p.scored}});
        const char* const kinds[] = {"mode_collapse", "d_winning", "diverging"};
        for (const ganvas::DiagnosisAlert& a : d.alerts())
            alerts.push_back(Json{{"kind", kinds[int(a.kind)]}, {"text", a.text}, {"since_step", a.since_step},
                                  {"remedy", a.remedy}, {"remedy_why", a.remedy_why}});
        j["score_ms"] = d.score_ms();
        j["sample_ms"] = d.sample_ms();
        j["classifier_loaded"] = d.has_classifier();
        j["status"] = d.status_text();
    }
    j["points"] = std::move(points);
    j["alerts"] = std::move(alerts);
    json = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// A live setting (command::ChangeSetting): {"ok":true} or {"ok":false,"error":"..."}.
EMSCRIPTEN_KEEPALIVE const char* ganvas_change_setting(const char* key, const char* text) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::ChangeSetting{key != nullptr ? key : "", text != nullptr ? text : ""}),
                        &json);
}

// The presets (the picker's list): [{"name","summary","changes"}], "seed" first.
EMSCRIPTEN_KEEPALIVE const char* ganvas_presets_json() {
    static std::string json;
    Json list = Json::array();
    for (const std::string& name : ganvas::gan_config_preset_names())
        list.push_back(Json{{"name", name}, {"summary", ganvas::gan_config_preset_summary(name)},
                            {"changes", ganvas::gan_config_preset_changes(name)}});
    json = list.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

// The preset picker (command::SetPreset: a Reset to a fresh model of it, paused at step 0).
EMSCRIPTEN_KEEPALIVE const char* ganvas_set_preset(const char* name) {
    static std::string json;
    return outcome_json(run_on_app(ganvas::command::SetPreset{name != nullptr ? name : ""}), &json);
}

// An alert's remedy, as its button applies it (diagnosis_remedy_commands: one ChangeSetting per
// change, each recorded in the recipe); the first refusal stops and is returned.
EMSCRIPTEN_KEEPALIVE const char* ganvas_apply_remedy(const char* remedy) {
    static std::string json;
    const std::string text = remedy != nullptr ? remedy : "";
    std::vector<ganvas::SessionCommand> commands = ganvas::diagnosis_remedy_commands(text);
    ganvas::Status s = commands.empty() ? ganvas::Status::failure("'" + text + "' is not a remedy (key=value ...)")
                                        : ganvas::Status::success();
    for (ganvas::SessionCommand& c : commands) {
        if (!s) break;
        s = run_on_app(std::move(c));
    }
    return outcome_json(s, &json);
}

// The status as a JSON object; the pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_status_json() {
    static std::string json;
    ganvas::AppStatus status;
    if (ganvas::App* app = web_app())
        status = app->status();
    else
        status.error = "The app is not running.";
    json = status_json(status);
    if (ganvas::App* app = web_app()) {  // step by step and the staged settings (App)
        Json j = Json::parse(json, nullptr, false);
        const ganvas::PaceState& pace = app->pace();
        j["pace"] = Json{{"steps_per_second", pace.steps_per_second}, {"playing", pace.playing}, {"run_left", pace.run_left}};
        Json staged = Json::object();
        for (const auto& [key, text] : app->settings_state().staged) staged[key] = text;
        j["staged"] = staged;
        Json errors = Json::object();
        for (const auto& [key, text] : app->settings_state().errors) errors[key] = text;
        j["setting_errors"] = errors;
        json = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    return json.c_str();
}

}  // extern "C"

int main() {
    const double t0 = emscripten_get_now();
    auto shell = std::make_unique<WebShell>();
    ganvas::WindowConfig window_config;
    window_config.font_file = kFontFile;
    if (ganvas::Status opened = shell->window.open(window_config); !opened) {
        std::fprintf(stderr, "ganvas: %s\n", opened.message.c_str());
        notify_page(false, "This browser could not open a WebGL2 canvas: " + opened.message);
        return 1;
    }
    const double t1 = emscripten_get_now();
    ganvas::AppConfig config = ganvas::app_config_for_assets_dir(kAssetsDir);
    config.classifier_path.clear();  // not preloaded: fetched when the diagnosis first needs it
    shell->app = std::make_unique<ganvas::App>(config);
    // Where main()'s part of the time to ready goes (the console; README "The first view").
    std::printf("Ganvas: main() took %.0f ms: window and font %.0f ms, app (digits, model) %.0f ms\n",
                emscripten_get_now() - t0, t1 - t0, emscripten_get_now() - t1);
    ganvas::PlatformHooks hooks;
    hooks.save = download_checkpoint;
    hooks.load = pick_checkpoint;
    hooks.load_data = pick_data;
    hooks.load_shipped_generator = load_shipped_generator;
    hooks.download_png = download_png;
    hooks.copy_text = copy_text;
    hooks.load_classifier = load_classifier;
    hooks.saved_run_choice = saved_run_choice;
    shell->app->set_checkpoint_hooks(std::move(hooks));
    const ganvas::AppStatus status = shell->app->status();
    web_shell() = std::move(shell);
    // The page is drawn either way; the error also shows in the Training window's status line.
    if (!status.error.empty()) std::fprintf(stderr, "ganvas: %s\n", status.error.c_str());
    notify_page(status.ready, status.error);
    // fps 0: requestAnimationFrame. The runtime stays alive after main returns (no EXIT_RUNTIME).
    emscripten_set_main_loop(web_frame, 0, false);
    return 0;
}
