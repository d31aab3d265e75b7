// file_io.cpp - see file_io.h.
#include "base/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ganvas {

Status file_read_all(const std::string& path, std::vector<uint8_t>* bytes) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status::failure("cannot open " + path + ": " + std::strerror(errno));
    std::vector<uint8_t> data;
    uint8_t chunk[1 << 16];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + got);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return Status::failure("error while reading " + path);
    *bytes = std::move(data);
    return Status::success();
}

Status file_write_all(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::failure("cannot create " + path + ": " + std::strerror(errno));
    const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const bool closed = std::fclose(f) == 0;
    if (!wrote || !closed) return Status::failure("could not write all of " + path + " (disk full?)");
    return Status::success();
}

}  // namespace ganvas
