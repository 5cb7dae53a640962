// Checkpoint reading: pread the length and header and validate them, then pread tensors in
// chunks, CRC-checked. Lengths are checked against the file size before anything is allocated.
#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/foreign_file.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "ckpt_format/ckpt_finite.hpp"
#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/crc32c.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"

namespace trainctl {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw Error(path + ": " + what); }

std::string crc_mismatch(const std::string& path, const CkptTensorInfo& info, std::uint32_t computed) {
    return path + ": tensor \"" + info.name + "\" CRC32C mismatch (stored " + ckpt_crc_hex(info.crc) +
           ", computed " + ckpt_crc_hex(computed) + ")";
}

// Big enough that syscalls cost little, small enough that the CRC pass finds it in L2.
constexpr std::size_t kReadChunk = 1u << 20;

void pread_all(const std::string& path, int fd, void* out, std::size_t size, std::uint64_t offset) {
    auto* p = static_cast<char*>(out);
    while (size > 0) {
        ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, std::string("read failed: ") + std::strerror(errno));
        if (n == 0) fail(path, "file shrank while being read");
        p += n, size -= static_cast<std::size_t>(n), offset += static_cast<std::uint64_t>(n);
    }
}

UniqueFd open_regular(const std::string& path, std::uint64_t& file_size) {
    InputFile file = open_input_file(path, "a checkpoint", kExitError);
    if (!file.fd.valid()) fail(path, std::string("cannot open: ") + std::strerror(errno));
    file_size = file.size;
    return std::move(file.fd);
}

CkptHeader read_header_fd(const std::string& path, int fd, std::uint64_t file_size) {
    if (file_size < 8)
        fail(path, "file is " + std::to_string(file_size) + " bytes, too short for a checkpoint (expected at least 8)");
    std::uint64_t length = 0;
    pread_all(path, fd, &length, 8, 0);  // little-endian u64, host order (ckpt_types.hpp)
    const bool length_ok = length <= file_size - 8 && length <= kCkptMaxHeaderBytes && length % 8 == 0;
    if (!length_ok) {  // an ONNX model, an image, a PyTorch file...: say what it is
        std::uint8_t head[16] = {};
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof head, file_size));
        pread_all(path, fd, head, n, 0);
        const std::string kind = foreign_file_kind(head, n);
        if (!kind.empty()) fail(path, "not a checkpoint: this is " + kind);
    }
    if (length > file_size - 8)
        fail(path, "header length " + std::to_string(length) + " exceeds the " + std::to_string(file_size - 8) +
                       " bytes after the length prefix");
    if (length > kCkptMaxHeaderBytes)
        fail(path, "header length " + std::to_string(length) + " exceeds the cap of " +
                       std::to_string(kCkptMaxHeaderBytes) + " bytes");
    if (length % 8 != 0)
        fail(path, "header length " + std::to_string(length) + " is not a multiple of 8 (data must start aligned)");
    std::string json(length, '\0');
    pread_all(path, fd, json.data(), length, 8);
    return ckpt_parse_header(path, json, file_size);
}

}  // namespace

CkptHeader ckpt_read_header(const std::string& path) {
    std::uint64_t file_size = 0;
    UniqueFd fd = open_regular(path, file_size);
    return read_header_fd(path, fd.get(), file_size);
}

std::vector<std::string> ckpt_verify(const CkptReader& reader, CkptValues values) {
    std::vector<std::string> problems = reader.check_data();
    if (!problems.empty() || values == CkptValues::kAny) return problems;
    for (const CkptTensorInfo& info : reader.tensors())
        if (std::string bad = ckpt_non_finite(reader, info); !bad.empty()) return {bad};
    return {};
}

std::vector<std::string> ckpt_verify(const std::string& path, CkptValues values) {
    try {
        return ckpt_verify(CkptReader(path, CkptDataCrc::kSkip), values);
    } catch (const Error& e) {
        return {e.what()};
    }
}

void CkptReader::Mapping::map(const std::string& path, int fd, std::uint64_t size) {
    void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) fail(path, std::string("cannot map: ") + std::strerror(errno));
    ::madvise(addr, size, MADV_SEQUENTIAL);  // read-ahead hint; failure only costs speed
    base_ = static_cast<const std::uint8_t*>(addr);
    size_ = size;
}

CkptReader::Mapping::~Mapping() {
    if (base_ != nullptr) ::munmap(const_cast<std::uint8_t*>(base_), size_);
}

CkptReader::CkptReader(const std::string& path, CkptDataCrc data_crc)
    : path_(path), data_crc_(data_crc), fd_(-1) {
    std::uint64_t file_size = 0;
    fd_ = open_regular(path, file_size);
    header_ = read_header_fd(path, fd_.get(), file_size);
    map_.map(path, fd_.get(), file_size);
    index_.reserve(header_.tensors.size());  // no rehashing: a file may hold 100,000 tensors
    for (std::size_t i = 0; i < header_.tensors.size(); ++i) index_.emplace(header_.tensors[i].name, i);
    crc_checked_.assign(header_.tensors.size(), false);
    if (data_crc == CkptDataCrc::kVerify) check_unread();
}

const CkptTensorInfo* CkptReader::find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

const CkptTensorInfo& CkptReader::tensor(const std::string& name) const {
    const CkptTensorInfo* info = find(name);
    if (info == nullptr) fail(path_, "no tensor \"" + name + "\"");
    return *info;
}

void CkptReader::read_f32(const std::string& name, const Shape& expected, float* out) const {
    const CkptTensorInfo& info = tensor(name);
    if (info.dtype != DType::F32)
        fail(path_, "tensor \"" + name + "\" has dtype " + dtype_name(info.dtype) + ", expected F32");
    if (info.shape != ckpt_dims(expected))
        fail(path_, "tensor \"" + name + "\" has shape " + ckpt_dims_str(info.shape) + ", expected " +
                        expected.str());
    const std::uint32_t computed = read_range(header_.data_start + info.begin, info.bytes(),
                                              reinterpret_cast<std::uint8_t*>(out), 0);
    if (data_crc_ == CkptDataCrc::kSkip) return;
    if (computed != info.crc) throw Error(crc_mismatch(path_, info, computed));
    crc_checked_[index_.at(name)] = true;
}

std::uint32_t CkptReader::read_range(std::uint64_t offset, std::uint64_t size, std::uint8_t* out,
                                     std::uint32_t crc) const {
    while (size > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, kReadChunk));
        pread_all(path_, fd_.get(), out, n, offset);
        crc = crc32c(out, n, crc);
        out += n, offset += n, size -= n;
    }
    return crc;
}

std::uint32_t CkptReader::tensor_crc(const CkptTensorInfo& info, std::vector<std::uint8_t>& chunk) const {
    std::uint32_t crc = 0;
    for (std::uint64_t done = 0; done < info.bytes();) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(info.bytes() - done, kReadChunk));
        chunk.resize(std::max(chunk.size(), n));
        crc = read_range(header_.data_start + info.begin + done, n, chunk.data(), crc);
        done += n;
    }
    return crc;
}

void CkptReader::read_tensor_bytes(const CkptTensorInfo& info, std::uint64_t offset, std::size_t size,
                                   std::uint8_t* out) const {
    if (offset > info.bytes() || size > info.bytes() - offset)
        throw Error(path_ + ": tensor \"" + info.name + "\": bytes " + std::to_string(offset) + "+" +
                    std::to_string(size) + " asked, it holds " + std::to_string(info.bytes()));
    read_range(header_.data_start + info.begin + offset, size, out, 0);
}

bool CkptReader::tensor_crc_ok(const CkptTensorInfo& info) const {
    std::vector<std::uint8_t> chunk;
    return tensor_crc(info, chunk) == info.crc;
}

std::vector<std::string> CkptReader::check_data() const {
    std::vector<std::string> problems;
    std::vector<std::uint8_t> chunk;
    for (const CkptTensorInfo& info : header_.tensors) {
        const std::uint32_t computed = tensor_crc(info, chunk);
        if (computed != info.crc) problems.push_back(crc_mismatch(path_, info, computed));
    }
    return problems;
}

void CkptReader::check_unread() const {
    std::vector<std::uint8_t> chunk;
    for (std::size_t i = 0; i < header_.tensors.size(); ++i) {
        if (crc_checked_[i]) continue;
        const std::uint32_t computed = tensor_crc(header_.tensors[i], chunk);
        if (computed != header_.tensors[i].crc) throw Error(crc_mismatch(path_, header_.tensors[i], computed));
        crc_checked_[i] = true;
    }
}

}  // namespace trainctl
