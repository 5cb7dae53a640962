// Writing IDX files (uncompressed, or gzip when the name ends in .gz) for the tests' data:
// header + payload to PATH.tmp, then a rename.
#pragma once
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace idx_write_detail {
constexpr std::uint32_t kMagicImages = 0x00000803;  // uint8 (0x08), 3 dims
constexpr std::uint32_t kMagicLabels = 0x00000801;  // uint8 (0x08), 1 dim
constexpr unsigned kWriteMax = 1u << 30;            // gzwrite takes an unsigned length

inline void put_u32(std::vector<std::uint8_t>& out, std::uint64_t v, const std::string& path) {
    if (v > std::numeric_limits<std::uint32_t>::max())
        throw Error(path + ": cannot write: dimension " + std::to_string(v) + " does not fit in 32 bits");
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Writes header + payload to path.tmp, then renames, so a failed write leaves no half file.
// A leftover path.tmp of any kind is unlinked, never opened, and the new one created with
// O_EXCL | O_NOFOLLOW: nothing is written through a symlink planted there.
inline void write_idx(const std::string& path, const std::vector<std::uint8_t>& header,
                      const std::vector<std::uint8_t>& payload) {
    std::string tmp = path + ".tmp";
    bool ok = false;
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0 && ends_with(path, ".gz")) {
        gzFile gz = gzdopen(fd, "wb");
        if (!gz) ::close(fd);
        if (gz) {
            ok = gzwrite(gz, header.data(), static_cast<unsigned>(header.size())) ==
                 static_cast<int>(header.size());
            for (std::size_t at = 0; ok && at < payload.size(); at += kWriteMax) {
                auto n = static_cast<unsigned>(std::min<std::size_t>(kWriteMax, payload.size() - at));
                ok = gzwrite(gz, payload.data() + at, n) == static_cast<int>(n);
            }
            ok = (gzclose(gz) == Z_OK) && ok;
        }
    } else if (fd >= 0) {
        std::FILE* f = ::fdopen(fd, "wb");
        if (!f) ::close(fd);
        if (f) {
            ok = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
                 std::fwrite(payload.data(), 1, payload.size(), f) == payload.size();
            ok = (std::fclose(f) == 0) && ok;
        }
    }
    std::string why = std::strerror(errno);
    std::error_code ec;
    if (ok) {
        std::filesystem::rename(tmp, path, ec);
        if (!ec) return;
        why = ec.message();
    }
    std::filesystem::remove(tmp, ec);
    throw Error(path + ": cannot write: " + why);
}

}  // namespace idx_write_detail

inline void write_idx_images(const std::string& path, const std::vector<std::uint8_t>& images, std::size_t count,
                             std::size_t rows, std::size_t cols) {
    if (images.size() != count * rows * cols)
        throw Error(path + ": cannot write: expected " + std::to_string(count * rows * cols) + " pixels (" +
                    std::to_string(count) + " images of " + std::to_string(rows) + "x" +
                    std::to_string(cols) + "), found " + std::to_string(images.size()));
    std::vector<std::uint8_t> header;
    idx_write_detail::put_u32(header, idx_write_detail::kMagicImages, path);
    idx_write_detail::put_u32(header, count, path);
    idx_write_detail::put_u32(header, rows, path);
    idx_write_detail::put_u32(header, cols, path);
    idx_write_detail::write_idx(path, header, images);
}

inline void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels) {
    std::vector<std::uint8_t> header;
    idx_write_detail::put_u32(header, idx_write_detail::kMagicLabels, path);
    idx_write_detail::put_u32(header, labels.size(), path);
    idx_write_detail::write_idx(path, header, labels);
}

}  // namespace trainctl
