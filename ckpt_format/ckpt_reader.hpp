// Reads checkpoints: every length, offset and CRC is checked before a byte is trusted.
// The file is memory-mapped, so loading costs one pass over the page cache.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ckpt_format/ckpt_types.hpp"
#include "core/tensor.hpp"

namespace trainctl {

// kSkip trusts tensor bytes (the header CRC is always checked): for a quick look at a file
// just verified, or when only a few tensors are wanted.
enum class CkptDataCrc { kVerify, kSkip };

// Header and metadata only, validated against the file size; no tensor bytes are read.
// Cheap enough for listing many files. Throws Error "PATH: what is wrong".
CkptHeader ckpt_read_header(const std::string& path);

// Every problem found in the file, one line each ("PATH: ..."); empty when it is sound.
// A bad header is one problem; with a sound header every bad tensor CRC is listed.
std::vector<std::string> ckpt_verify(const std::string& path);

class CkptReader {
public:
    // Validates the whole file; throws Error "PATH: what is wrong (expected vs found)".
    explicit CkptReader(const std::string& path, CkptDataCrc data_crc = CkptDataCrc::kVerify);

    const std::string& path() const { return path_; }
    const CkptHeader& header() const { return header_; }
    const CkptMetadata& metadata() const { return header_.metadata; }
    const std::vector<CkptTensorInfo>& tensors() const { return header_.tensors; }

    const CkptTensorInfo* find(const std::string& name) const;   // nullptr when absent
    const CkptTensorInfo& tensor(const std::string& name) const;  // throws when absent
    // The tensor's little-endian bytes inside the mapping; valid while the reader lives.
    const std::uint8_t* data(const CkptTensorInfo& info) const {
        return map_.base() + header_.data_start + info.begin;
    }
    // Copies an F32 tensor into `out` (expected.numel() floats) after checking dtype and shape.
    void read_f32(const std::string& name, const Shape& expected, float* out) const;
    // One line per tensor whose bytes do not match its CRC32C.
    std::vector<std::string> check_data() const;

private:
    // The whole file mapped read-only; a member, so it is unmapped even if the constructor throws.
    class Mapping {
    public:
        Mapping() = default;
        ~Mapping();
        Mapping(const Mapping&) = delete;
        Mapping& operator=(const Mapping&) = delete;
        void map(const std::string& path, int fd, std::uint64_t size);
        const std::uint8_t* base() const { return base_; }

    private:
        const std::uint8_t* base_ = nullptr;
        std::uint64_t size_ = 0;
    };

    std::string path_;
    CkptHeader header_;
    std::unordered_map<std::string, std::size_t> index_;  // name -> position in tensors()
    Mapping map_;
};

}  // namespace trainctl
