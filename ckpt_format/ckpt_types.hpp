// Vocabulary shared by the checkpoint writer and reader: tensor views, tensor entries, limits.
// See docs/ckpt-format.md for the file layout these describe.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ckpt_format/dtype.hpp"
#include "core/shape.hpp"

// Tensor bytes and lengths are copied as-is, which is only right on a little-endian host.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "checkpoint I/O needs byte swapping here");

namespace trainctl {

// Format tag in __metadata__["format"]; readers reject any other value by name.
constexpr const char* kCkptFormat = "trainctl.ckpt/1";
// Metadata keys the library owns; callers may not set them.
constexpr const char* kCkptKeyFormat = "format";
constexpr const char* kCkptKeyCrc = "crc32c";               // {"tensor":"8-hex",...} as a string
constexpr const char* kCkptKeyHeaderCrc = "header_crc32c";  // 8 hex digits over the header
// Headers are small; the cap keeps a corrupt length from allocating gigabytes.
constexpr std::uint64_t kCkptMaxHeaderBytes = 100ull << 20;

using CkptDims = std::vector<std::uint64_t>;         // any rank; [] is a scalar
using CkptMetadata = std::map<std::string, std::string>;

// A tensor to save: the writer only reads `data` (bytes == numel * dtype size).
struct CkptTensorView {
    std::string name;
    DType dtype;
    CkptDims shape;
    const void* data;
    std::uint64_t bytes;
};

// A tensor as recorded in a file header; offsets are relative to the data section.
struct CkptTensorInfo {
    std::string name;
    DType dtype;
    CkptDims shape;
    std::uint64_t begin;  // data_offsets[0]
    std::uint64_t end;    // data_offsets[1]
    std::uint32_t crc;    // CRC32C of bytes [begin, end)
    std::uint64_t bytes() const { return end - begin; }
};

// Everything a header says, validated against the file size.
struct CkptHeader {
    CkptMetadata metadata;                // caller keys plus "format"; integrity keys removed
    std::vector<CkptTensorInfo> tensors;  // in file order
    std::uint64_t data_start = 0;         // file offset of the data section (8 + header length)
    std::uint64_t file_size = 0;
    std::uint32_t header_crc = 0;
};

CkptDims ckpt_dims(const Shape& shape);
std::string ckpt_dims_str(const CkptDims& dims);  // "[120,400]", as Shape::str()

}  // namespace trainctl
