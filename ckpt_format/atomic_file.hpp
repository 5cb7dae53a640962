// Crash-safe file replacement: readers see the old file or the new one, never a torn mix.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace trainctl {

struct ByteSpan {
    const void* data;
    std::size_t size;
};

// Writes the concatenation of `pieces` to PATH.tmp (replacing any leftover), fsyncs it, renames
// it over `path` and fsyncs the directory. Pieces are gathered into writev calls of 16 MB.
// On failure PATH.tmp is removed, an existing `path` is left as it was, and Error is thrown with
// kExitSaveFailed: "PATH: save failed: <step> PATH.tmp: <strerror>".
void atomic_write_file(const std::string& path, const std::vector<ByteSpan>& pieces);

}  // namespace trainctl
