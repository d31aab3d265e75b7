// file_io.h - whole-file reads and writes with errors a person can act on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace ganvas {

Status file_read_all(const std::string& path, std::vector<uint8_t>* bytes);
Status file_write_all(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace ganvas
