// png.cpp - grey PNG files through stb_image_write (Debian's libstb-dev), scaled up by
// pixel replication so small 28x28 digits stay crisp.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "cli.h"

namespace ganvas_cli {

ganvas::Status png_write_grey(const std::string& path, const ganvas::GreyImage& image, int scale) {
    const int w = image.width * scale, h = image.height * scale;
    std::vector<unsigned char> pixels(size_t(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) pixels[size_t(y) * w + x] = image.pixels[size_t(y / scale) * image.width + x / scale];
    if (!stbi_write_png(path.c_str(), w, h, 1, pixels.data(), w))
        return ganvas::Status::failure("cannot write the PNG file " + path);
    return ganvas::Status::success();
}

}  // namespace ganvas_cli
