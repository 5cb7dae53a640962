// The header CRC covers every header byte, with its own 8 digits read as zeros so it can
// live inside the bytes it guards (see docs/ckpt-format.md, "Integrity").
#include <cstdio>

#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/crc32c.hpp"

namespace trainctl {

std::size_t ckpt_find_header_crc(const std::string& json) {
    // Quotes inside JSON strings are escaped, so this raw byte pattern only matches a real
    // key/value pair; a file with two of them (or none) is not ours to verify.
    const std::string pattern = std::string("\"") + kCkptKeyHeaderCrc + "\":\"";
    std::size_t at = json.find(pattern);
    if (at == std::string::npos || json.find(pattern, at + 1) != std::string::npos)
        return std::string::npos;
    std::size_t digits = at + pattern.size();
    if (digits + 9 > json.size() || json[digits + 8] != '"') return std::string::npos;
    return digits;
}

std::uint32_t ckpt_header_crc(const std::string& json, std::size_t digits) {
    std::uint32_t crc = crc32c(json.data(), digits);
    crc = crc32c("00000000", 8, crc);
    return crc32c(json.data() + digits + 8, json.size() - digits - 8, crc);
}

std::string ckpt_crc_hex(std::uint32_t crc) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc));
    return hex;
}

}  // namespace trainctl
