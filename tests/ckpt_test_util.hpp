// Helpers for the checkpoint tests: a scratch folder, whole-file byte I/O, existence checks, and hand-made
// headers (with a valid header CRC) for feeding the reader files our writer never produces.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_header.hpp"
#include "path_exists.hpp"
#include "temp_dir.hpp"

namespace trainctl::testing {

struct CkptTempDir : TempDir {
    CkptTempDir() : TempDir("ckpt") {}
};

// A one-byte file named `name` in `dir`.
inline void touch(const CkptTempDir& dir, const std::string& name) { std::ofstream(dir.file(name)) << "x"; }

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string u64_le(std::uint64_t v) {
    std::string s(8, '\0');
    std::memcpy(s.data(), &v, 8);
    return s;
}

// A file image: length prefix, `json` padded to 8 bytes with its header CRC patched in (when
// it has the field), then `data`.
inline std::string ckpt_image(std::string json, const std::string& data) {
    json.append((8 - json.size() % 8) % 8, ' ');
    std::size_t digits = ckpt_find_header_crc(json);
    if (digits != std::string::npos) json.replace(digits, 8, ckpt_crc_hex(ckpt_header_crc(json, digits)));
    return u64_le(json.size()) + json + data;
}

// A header JSON text with trainctl metadata around `tensors` (the entries after __metadata__).
inline std::string ckpt_json(const std::string& tensors, const std::string& crc_map = "{}",
                             const std::string& format = "trainctl.ckpt/1") {
    std::string escaped;
    for (char c : crc_map) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    return "{\"__metadata__\":{\"format\":\"" + format + "\",\"crc32c\":\"" + escaped +
           "\",\"header_crc32c\":\"00000000\"}" + (tensors.empty() ? "" : ",") + tensors + "}";
}

}  // namespace trainctl::testing
