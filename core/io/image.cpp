// image.cpp - sample grids. See image.h.
#include "io/image.h"

#include <algorithm>

namespace ganvas {

template <typename PixelAt>
static void tile(int count, int side, int columns, int gutter, GreyImage* out, PixelAt pixel_at) {
    const int rows = (count + columns - 1) / columns;
    out->width = columns * side + (columns + 1) * gutter;
    out->height = rows * side + (rows + 1) * gutter;
    out->pixels.assign(size_t(out->width) * out->height, 0);
    for (int i = 0; i < count; ++i) {
        const int x0 = gutter + (i % columns) * (side + gutter);
        const int y0 = gutter + (i / columns) * (side + gutter);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) out->pixels[size_t(y0 + y) * out->width + x0 + x] = pixel_at(i, y * side + x);
    }
}

void image_tile_grid(ConstMatrixView samples, int side, int columns, int gutter, GreyImage* out) {
    tile(int(samples.rows()), side, columns, gutter, out,
         [&](int i, int p) { return pixel_from_unit(samples(i, p)); });
}

void image_tile_grid_u8(const uint8_t* images, int count, int side, int columns, int gutter, GreyImage* out) {
    tile(count, side, columns, gutter, out, [&](int i, int p) { return images[size_t(i) * side * side + p]; });
}

}  // namespace ganvas
