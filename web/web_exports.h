// web_exports.h - what the page's C export files share (main_web.cpp defines these).
//
// The exports are grouped by concern, one file each: main_web.cpp (the app, training, settings,
// checkpoints, the layout, the diagnosis, the status), digit_exports.cpp (the grid, the digit and
// its links, generator files), chart_exports.cpp (the charts), data_exports.cpp (the user's images). web/ganvas_*.js wrap them as window.ganvas.
#pragma once

#include <string>

#include "app.h"

// The live app, or null before the page started it (or after it failed to).
ganvas::App* web_app();
// {"ok":true} or {"ok":false,"error":"..."} for a command's outcome, in `json` (kept by the caller).
const char* outcome_json(const ganvas::Status& outcome, std::string* json);
// Runs a command on the app ("The app is not running." without one).
ganvas::Status run_on_app(ganvas::SessionCommand command);
