// The checkpoint header: an 8-byte little-endian length, then JSON padded with spaces so the
// data section starts 8-byte aligned. Building and parsing live here; file I/O does not.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_types.hpp"

namespace trainctl {

// The full header bytes (length prefix, JSON, padding) for `tensors` laid out back to back in
// order, with tensor CRCs `crcs` (one per tensor) and the header CRC filled in.
// Throws Error on a caller mistake: duplicate or reserved name, bytes != shape * dtype size.
std::string ckpt_build_header(const std::vector<CkptTensorView>& tensors,
                              const std::vector<std::uint32_t>& crcs, const CkptMetadata& metadata);

// Validates `json` (the N header bytes after the length prefix) against a file of `file_size`
// bytes (the caller checked 8 + N <= file_size) and returns what it describes.
// Throws Error "PATH: what is wrong" on any violation.
CkptHeader ckpt_parse_header(const std::string& path, const std::string& json,
                             std::uint64_t file_size);

// Offset in `json` of the 8 hex digits of the header_crc32c value, or npos unless the
// pair "header_crc32c":"xxxxxxxx" occurs exactly once. Both build and parse use it.
std::size_t ckpt_find_header_crc(const std::string& json);

// CRC32C of `json` with the 8 digits at `digits` read as "00000000".
std::uint32_t ckpt_header_crc(const std::string& json, std::size_t digits);

std::string ckpt_crc_hex(std::uint32_t crc);  // "0a1b2c3d"

}  // namespace trainctl
