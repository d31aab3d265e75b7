// main_web.cpp - the browser entry: the shared frame under emscripten_set_main_loop, plus
// the C exports that web/ganvas_api.js wraps as window.ganvas.{start,pause,reset,setThreads,
// status,bench,saveCheckpoint,downloadCheckpoint,loadCheckpoint}.
//
// The Training window's checkpoint buttons (CheckpointHooks in shell/app.h) call into the page:
// "Save checkpoint" hands the bytes to Module.ganvasDownload (a Blob + <a download> of
// ganvas-step<N>.safetensors) and "Load checkpoint..." to Module.ganvasPickCheckpoint (a hidden
// <input type=file>; the chosen file comes back through window.ganvas.loadCheckpoint).
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
#include <vector>

#include "app.h"
#include "gan/bench.h"
#include "base/parallel.h"
#include "window.h"

namespace {

constexpr const char* kAssetsDir = "/assets";  // where web/CMakeLists.txt preloads the digits

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

// The checkpoint buttons' hooks: the page does the file work (web/ganvas_api.js).
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

// JSON helpers: numbers that are not finite become null (JSON has no NaN).
void json_number(std::string* out, const char* key, double value) {
    char buf[96];
    if (std::isfinite(value))
        std::snprintf(buf, sizeof buf, "\"%s\":%.9g,", key, value);
    else
        std::snprintf(buf, sizeof buf, "\"%s\":null,", key);
    *out += buf;
}

void json_string(std::string* out, const char* key, const std::string& value) {
    *out += "\"";
    *out += key;
    *out += "\":\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            *out += '\\';
            *out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            *out += esc;
        } else {
            *out += c;
        }
    }
    *out += "\",";
}

void json_rect(std::string* out, const char* key, const ganvas::ScreenRect& r) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "\"%s\":{\"x\":%.1f,\"y\":%.1f,\"width\":%.1f,\"height\":%.1f},", key, r.x, r.y,
                  r.width, r.height);
    *out += buf;
}

std::string status_json(const ganvas::AppStatus& s) {
    std::string json = "{";
    json_number(&json, "step", double(s.step));
    json_number(&json, "epoch", double(s.epoch));
    json_number(&json, "d_loss", s.d_loss);
    json_number(&json, "g_loss", s.g_loss);
    json_number(&json, "d_real", s.d_real);
    json_number(&json, "d_fake", s.d_fake);
    json_number(&json, "iters_per_sec", s.iters_per_sec);
    json_number(&json, "train_slice_ms", s.train_slice_ms);
    json_number(&json, "frame_ms", s.frame_ms);
    json_number(&json, "frame_ms_median", s.frame_ms_median);
    json_number(&json, "frame_ms_p95", s.frame_ms_p95);
    json_number(&json, "frame_work_ms_median", s.frame_work_ms_median);
    json_number(&json, "frame_work_ms_p95", s.frame_work_ms_p95);
    json_number(&json, "threads", s.threads);
    json += s.trainer_thread ? "\"trainer_thread\":true," : "\"trainer_thread\":false,";
    json_number(&json, "max_threads", s.max_threads);
    json_string(&json, "build", kBuildName);
    // Memory: the wasm linear memory (grows, never shrinks) and the bytes malloc has handed out.
    json_number(&json, "wasm_memory_bytes", double(emscripten_get_heap_size()));
    json_number(&json, "heap_in_use_bytes", double(mallinfo().uordblks));
    json += s.running ? "\"running\":true," : "\"running\":false,";
    json += s.ready ? "\"ready\":true," : "\"ready\":false,";
    json_rect(&json, "samples_rect", s.samples_rect);
    json_rect(&json, "real_rect", s.real_rect);
    json_string(&json, "error", s.error);
    json_string(&json, "message", s.message);
    json += s.message_is_error ? "\"message_is_error\":true," : "\"message_is_error\":false,";
    json.back() = '}';
    return json;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void ganvas_start() {
    if (web_shell() && web_shell()->app) web_shell()->app->start();
}

EMSCRIPTEN_KEEPALIVE void ganvas_pause() {
    if (web_shell() && web_shell()->app) web_shell()->app->pause();
}

EMSCRIPTEN_KEEPALIVE void ganvas_reset() {
    if (web_shell() && web_shell()->app) web_shell()->app->reset();
}

// Threads training uses, clamped to 1 .. max_threads (1 in the one-thread build); returns the
// count in effect. The results are the same bits for any count.
EMSCRIPTEN_KEEPALIVE int ganvas_set_threads(int n) {
    if (web_shell() && web_shell()->app) web_shell()->app->set_threads(n);
    return ganvas::threads();
}

// One benchmark row (core/gan/bench.h) for the seed config at `batch` on `threads` threads (clamped
// to what this build has): the JSON line `ganvas bench --json` prints, or {"error": "..."} on bad
// arguments. Runs synchronously, so the page is
// frozen meanwhile: the glue calls it once per batch size and lets frames run in between.
// The pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_bench_json(int batch, int trials, int steps_per_trial, int threads) {
    static std::string json;
    ganvas::BenchOptions options;
    options.batch = batch;
    options.threads = std::min(threads, ganvas::max_threads());
    options.trials = trials;
    options.steps_per_trial = steps_per_trial;
    ganvas::BenchResult result;
    // No data: the benchmark trains on random pixels (the speed does not depend on them).
    const ganvas::Status run = ganvas::bench_run(options, ganvas::Dataset{}, &result);
    if (run) {
        json = ganvas::bench_result_json(result);
        json.back() = ',';
        json_string(&json, "build", kBuildName);
        json.back() = '}';
    } else {
        json = "{";
        json_string(&json, "error", "batch " + std::to_string(batch) + ": " + run.message);
        json.back() = '}';
    }
    return json.c_str();
}

// The model as checkpoint bytes: returns the first byte and sets *size_out (0 and nullptr
// when there is no app). The bytes stay valid until the next call.
EMSCRIPTEN_KEEPALIVE const uint8_t* ganvas_checkpoint_save(int* size_out) {
    static std::vector<uint8_t> bytes;
    bytes.clear();
    if (web_shell() && web_shell()->app) bytes = web_shell()->app->save_checkpoint();
    if (size_out != nullptr) *size_out = int(bytes.size());
    return bytes.empty() ? nullptr : bytes.data();
}

// Loads checkpoint bytes into the app (App::load_checkpoint): {"ok":true,"step":N} or
// {"ok":false,"error":"..."}. The pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_checkpoint_load(const uint8_t* bytes, size_t size) {
    static std::string json;
    ganvas::Status loaded = ganvas::Status::failure("The app is not running.");
    if (web_shell() && web_shell()->app) loaded = web_shell()->app->load_checkpoint(bytes, size);
    if (loaded) {
        json = "{\"ok\":true,\"step\":" + std::to_string(web_shell()->app->status().step) + "}";
    } else {
        json = "{\"ok\":false,";
        json_string(&json, "error", loaded.message);
        json.back() = '}';
    }
    return json.c_str();
}

// The status as a JSON object; the pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ganvas_status_json() {
    static std::string json;
    ganvas::AppStatus status;
    if (web_shell() && web_shell()->app)
        status = web_shell()->app->status();
    else
        status.error = "The app is not running.";
    json = status_json(status);
    return json.c_str();
}

}  // extern "C"

int main() {
    auto shell = std::make_unique<WebShell>();
    if (ganvas::Status opened = shell->window.open(ganvas::WindowConfig{}); !opened) {
        std::fprintf(stderr, "ganvas: %s\n", opened.message.c_str());
        notify_page(false, "This browser could not open a WebGL2 canvas: " + opened.message);
        return 1;
    }
    shell->app = std::make_unique<ganvas::App>(ganvas::app_config_for_assets_dir(kAssetsDir));
    shell->app->set_checkpoint_hooks({download_checkpoint, pick_checkpoint});
    const ganvas::AppStatus status = shell->app->status();
    web_shell() = std::move(shell);
    // The page is drawn either way; the error also shows in the Training window's status line.
    if (!status.error.empty()) std::fprintf(stderr, "ganvas: %s\n", status.error.c_str());
    notify_page(status.ready, status.error);
    // fps 0: requestAnimationFrame. The runtime stays alive after main returns (no EXIT_RUNTIME).
    emscripten_set_main_loop(web_frame, 0, false);
    return 0;
}
