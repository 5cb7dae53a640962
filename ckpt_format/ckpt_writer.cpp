// Checkpoint saving: CRC every tensor, build the header, then either gather the tensors into
// few writes or copy them into a caller's buffer.
#include "ckpt_format/ckpt_writer.hpp"

#include <cstring>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/crc32c.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

std::vector<std::uint32_t> tensor_crcs(const std::vector<CkptTensorView>& tensors) {
    std::vector<std::uint32_t> crcs;
    crcs.reserve(tensors.size());
    for (const CkptTensorView& t : tensors) crcs.push_back(crc32c(t.data, t.bytes));
    return crcs;
}

}  // namespace

void ckpt_save(const std::string& path, const std::vector<CkptTensorView>& tensors,
               const CkptMetadata& metadata, DirSync dir_sync) {
    const std::string header = ckpt_build_header(tensors, tensor_crcs(tensors), metadata);
    std::vector<ByteSpan> pieces{{header.data(), header.size()}};
    for (const CkptTensorView& t : tensors) {
        ByteSpan& last = pieces.back();
        if (pieces.size() > 1 && static_cast<const char*>(last.data) + last.size == t.data)
            last.size += t.bytes;  // adjacent in memory: extend the previous piece
        else
            pieces.push_back({t.data, t.bytes});
    }
    atomic_write_file(path, pieces, dir_sync);
}

std::uint64_t ckpt_serialized_size(const std::vector<CkptTensorView>& tensors, const CkptMetadata& metadata) {
    // CRC values never change the header length, so zeros stand in for them.
    std::uint64_t size = ckpt_build_header(tensors, std::vector<std::uint32_t>(tensors.size()), metadata).size();
    for (const CkptTensorView& t : tensors) size += t.bytes;
    return size;
}

std::uint64_t ckpt_serialize(const std::vector<CkptTensorView>& tensors, const CkptMetadata& metadata,
                             void* buf, std::uint64_t capacity) {
    const std::string header = ckpt_build_header(tensors, tensor_crcs(tensors), metadata);
    std::uint64_t size = header.size();
    for (const CkptTensorView& t : tensors) size += t.bytes;
    if (size > capacity)
        throw Error("checkpoint needs " + std::to_string(size) + " bytes, the buffer holds " +
                    std::to_string(capacity));
    auto* out = static_cast<char*>(buf);
    std::memcpy(out, header.data(), header.size());
    out += header.size();
    for (const CkptTensorView& t : tensors) {
        if (t.bytes > 0) std::memcpy(out, t.data, t.bytes);
        out += t.bytes;
    }
    return size;
}

}  // namespace trainctl
