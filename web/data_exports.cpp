// data_exports.cpp - the user's own images in the page (web/ganvas_data.js wraps it as
// window.ganvas.loadData):
//   ganvas_load_data(images, images_size, labels, labels_size, name)
//       IDX bytes, already gunzipped by the page (the wasm core has no zlib; DecompressionStream
//       does it), labels optional (size 0). command::LoadData: 28x28 grey images, at least one
//       batch; on success a fresh model trains on them, a refusal keeps data and run. Returns the
//       outcome JSON ({"ok":true} or {"ok":false,"error":"..."}); the message shows in the
//       app's status line either way.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "web_exports.h"

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* ganvas_load_data(const uint8_t* images, size_t images_size, const uint8_t* labels,
                                                  size_t labels_size, const char* name) {
    static std::string json;
    ganvas::command::LoadData load;
    if (images != nullptr) load.images.assign(images, images + images_size);
    if (labels != nullptr) load.labels.assign(labels, labels + labels_size);
    load.name = name != nullptr ? name : "";
    return outcome_json(run_on_app(std::move(load)), &json);
}

}  // extern "C"
