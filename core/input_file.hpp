// Opening a file trainctl reads (config, IDX, image, checkpoint) so that a FIFO, a device or a
// directory is refused at once instead of blocking the open or the first read forever.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"

namespace trainctl {

struct InputFile {
    UniqueFd fd{-1};         // invalid when open() failed; errno then says why
    std::uint64_t size = 0;  // st_size of the regular file
};

// Opens `path` read-only and non-blocking (a FIFO without a writer would block open()), checks
// with fstat that it is a regular file, then makes reads blocking again. A failed open() is
// returned as an invalid fd with errno set, so each reader words a missing file its own way.
// Anything else throws Error(exit_code):
//   "PATH: not a regular file, expected EXPECTED, found a FIFO" (a directory, a character device...)
InputFile open_input_file(const std::string& path, const std::string& expected, int exit_code);

// All `file.size` bytes of an open input; throws Error(exit_code) "PATH: read failed: ..." or
// "PATH: file shrank while being read".
std::vector<std::uint8_t> read_input_file(const std::string& path, const InputFile& file, int exit_code);

}  // namespace trainctl
