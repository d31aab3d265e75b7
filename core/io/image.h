// image.h - turning generated or real samples into a picture.
//
// Samples are rows of 784 floats in [-1, 1] (the Tanh range); a grid tiles them into one
// 8-bit grey image with a 1-pixel gutter, row-major, for PNG files and GPU textures.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/tensor.h"

namespace ganvas {

struct GreyImage {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // width * height, row-major
};

// Tiles samples (N, side*side) into a grid `columns` wide. Values are clamped to [-1, 1].
void image_tile_grid(ConstMatrixView samples, int side, int columns, int gutter, GreyImage* out);

// Tiles uint8 images (N x side x side) the same way.
void image_tile_grid_u8(const uint8_t* images, int count, int side, int columns, int gutter, GreyImage* out);

// Maps [-1, 1] to [0, 255] with rounding.
inline uint8_t pixel_from_unit(float v) {
    const float c = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
    return static_cast<uint8_t>((c + 1.0f) * 127.5f + 0.5f);
}

}  // namespace ganvas
