// Reads checkpoints: every length, offset and CRC is checked before a byte is trusted.
// read_f32 preads straight into the caller's buffer in 1 MiB chunks and CRCs each chunk while
// it is in cache: one copy, no page faults. The mapping serves tools that look at raw bytes.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ckpt_format/ckpt_types.hpp"
#include "core/shape.hpp"
#include "core/unique_fd.hpp"

namespace trainctl {

// When tensor CRCs are checked (the header CRC always is):
// kVerify: every tensor when the reader opens (before any byte is handed out), and on read_f32;
// kOnRead: each tensor only as read_f32 copies it, fused with the copy: loading a model reads
//          the file once instead of twice, and a bad tensor still fails the load;
// kSkip:   never, for a quick look at a file just verified.
enum class CkptDataCrc { kVerify, kOnRead, kSkip };

// Header and metadata only, validated against the file size; no tensor bytes are read.
// Cheap enough for listing many files. Throws Error "PATH: what is wrong".
CkptHeader ckpt_read_header(const std::string& path);

// What ckpt_verify asks of the tensor values beyond their CRCs. kFinite: no NaN or infinity in a
// float tensor (ckpt_finite.hpp), which `ckpt verify` and `ckpt ls` report; resume's search
// for the newest checkpoint asks only for integrity (kAny).
enum class CkptValues { kAny, kFinite };

// Every problem found in the file, one line each ("PATH: ..."); empty when it is sound.
// A bad header is one problem; with a sound header every bad tensor CRC is listed; with sound
// CRCs and kFinite, the first tensor holding a non-finite value.
std::vector<std::string> ckpt_verify(const std::string& path, CkptValues values = CkptValues::kAny);

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
    // A CRC mismatch (unless kSkip) throws after the copy, so `out` then holds the bad bytes.
    void read_f32(const std::string& name, const Shape& expected, float* out) const;
    // Copies bytes [offset, offset + size) of the tensor's data into `out` with pread, never
    // through the mapping: tools that scan big tensors in chunks keep their memory bounded.
    void read_tensor_bytes(const CkptTensorInfo& info, std::uint64_t offset, std::size_t size, std::uint8_t* out) const;
    // Whether the tensor's bytes match its CRC32C (read in 1 MiB chunks, not mapped).
    bool tensor_crc_ok(const CkptTensorInfo& info) const;
    // One line per tensor whose bytes do not match its CRC32C.
    std::vector<std::string> check_data() const;
    // Throws the first CRC mismatch among tensors not yet checked (under kOnRead: those
    // read_f32 has not copied). Loaders call it last, so no corrupt file loads cleanly.
    void check_unread() const;

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

    // Reads [offset, offset + size) of the file into `out`; returns the CRC32C continued from `crc`.
    std::uint32_t read_range(std::uint64_t offset, std::uint64_t size, std::uint8_t* out, std::uint32_t crc) const;
    // The CRC32C of a tensor's bytes, read through a small reused buffer.
    std::uint32_t tensor_crc(const CkptTensorInfo& info, std::vector<std::uint8_t>& chunk) const;

    std::string path_;
    CkptDataCrc data_crc_;
    UniqueFd fd_;
    CkptHeader header_;
    std::unordered_map<std::string, std::size_t> index_;  // name -> position in tensors()
    mutable std::vector<bool> crc_checked_;                // by position in tensors()
    Mapping map_;
};

// ckpt_verify for a file already open (its header is sound, or the reader would not exist).
std::vector<std::string> ckpt_verify(const CkptReader& reader, CkptValues values);

}  // namespace trainctl
