// samples_window.cpp - "Samples": G(z) for the 64 fixed z of the model's seed. See ui.h.
#include "ui/ui.h"

namespace ganvas {

namespace {
const WindowLayout kSamplesLayout = {{390, 10}, {482, 520}};
}

void ui_samples_window(const UiState& state, UiOutput* out) {
    out->samples_rect = ui_image_window("Samples", kSamplesLayout, "G(z) for 64 fixed z, refreshed while training",
                                        state.samples_texture);
}

}  // namespace ganvas
