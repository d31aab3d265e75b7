// real_digits_window.cpp - "Real digits": 64 of the MNIST digits G learns from. See ui.h.
#include "ui/ui.h"

namespace ganvas {

void ui_real_digits_window(const UiState& state, UiOutput* out) {
    out->real_rect = ui_image_window(state, UiWindow::RealDigits, "64 of the MNIST digits G learns from",
                                     state.real_texture, out);
}

}  // namespace ganvas
