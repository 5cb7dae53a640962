// IDX reading. zlib reads both forms: gzread passes a non-gzip file through
// unchanged, so one code path serves raw and .gz, and only the size checks differ.
#include "core/data/idx.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <system_error>

#include "core/data/zero_runs.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/memory.hpp"
#include "core/strings.hpp"

namespace trainctl {
namespace {

constexpr std::uint32_t kMagicImages = 0x00000803;  // uint8 (0x08), 3 dims
constexpr std::uint32_t kMagicLabels = 0x00000801;  // uint8 (0x08), 1 dim
constexpr std::uint32_t kMaxSide = 4096;            // rows/cols above this are a corrupt header
// Deflate cannot expand more than ~1032:1, so a header claiming more is impossible.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// A gzip payload is allocated at once up to this size (MNIST's largest is 47 MB); past it the
// buffer grows as data arrives, so a lying header costs at most this much memory.
constexpr std::size_t kGzipUpfront = std::size_t{64} << 20;
// Images are inflated this many bytes at a time when packed as they arrive.
constexpr std::uint64_t kPackChunkBytes = std::uint64_t{1} << 18;
constexpr unsigned kReadMax = 1u << 30;  // gzread takes an unsigned length

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// Where the last of the file's gzip members ends: a second inflate pass that only counts bytes,
// since gzread tells nothing of what it skipped. It runs beside the payload's read (IdxReader),
// and its answer counts only once that read checked the stream. It reads the already opened (and
// type-checked) file through `fd`, never the path again; `cancel` ends it early (0 returned).
std::uint64_t gzip_members_end(int fd, const std::string& path, const std::atomic<bool>& cancel) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK)  // gzip wrapper only
        throw Error(path + ": cannot check the end of the gzip stream: out of memory");
    std::vector<unsigned char> in(1 << 17), out(1 << 17);
    std::uint64_t read = 0, end = 0;
    bool member_done = false;
    while (!cancel.load(std::memory_order_relaxed)) {
        if (z.avail_in == 0) {
            const ssize_t n = ::pread(fd, in.data(), in.size(), static_cast<off_t>(read));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            read += static_cast<std::uint64_t>(n);
            z.next_in = in.data();
            z.avail_in = static_cast<uInt>(n);
        }
        if (member_done) {  // another member must start with the gzip magic, else it is the end
            if (z.next_in[0] != 0x1f) break;
            inflateReset(&z);
            member_done = false;
        }
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            member_done = true;
            end = read - z.avail_in;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            break;
        }
    }
    inflateEnd(&z);
    return end;
}

// One open IDX file. A raw payload is checked against the file size before allocating; a gzip
// one, whose size only the stream knows, is never read past what the header claims.
class IdxReader {
public:
    explicit IdxReader(const std::string& path) : path_(path) {
        InputFile file = open_input_file(path, "an IDX file", kExitError);
        if (!file.fd.valid())
            throw Error(path + ": cannot open: " + (errno == ENOENT ? "no such file" : std::strerror(errno)));
        file_size_ = file.size;
        if (file_size_ == 0) throw Error(path + ": empty file: expected an IDX header");
        // A second descriptor of the same open file, for the end-of-stream check (pread: no shared offset).
        raw_fd_ = UniqueFd(::dup(file.fd.get()));
        if (!raw_fd_.valid()) throw Error(path + ": cannot open: " + std::strerror(errno));
        gz_ = gzdopen(file.fd.get(), "rb");
        if (!gz_) throw Error(path + ": cannot open: " + std::strerror(errno));
        file.fd.release();  // gzclose closes it now
        gzbuffer(gz_, 1u << 17);  // the 8 KiB default makes big reads slow
        gzip_ = gzdirect(gz_) == 0;
    }
    ~IdxReader() {
        cancel_end_check_ = true;  // a read that failed leaves the pass nothing to answer
        if (end_check_.valid()) end_check_.wait();
        gzclose(gz_);
    }
    IdxReader(const IdxReader&) = delete;
    IdxReader& operator=(const IdxReader&) = delete;

    // Reads the magic and the big-endian dims that follow it.
    std::vector<std::uint32_t> header(std::uint32_t magic, const char* what) {
        std::uint32_t found = read_u32_or_throw("magic number");
        if (found != magic)
            throw Error(path_ + ": bad magic: expected " + hex32(magic) + " (" + what + "), found " +
                        hex32(found));
        std::vector<std::uint32_t> dims(magic & 0xffu);
        for (std::uint32_t& d : dims) {
            d = read_u32_or_throw("dimension");
            if (d == 0) throw Error(path_ + ": bad header: expected dimensions > 0, found 0");
        }
        return dims;
    }

    // Reads exactly `bytes` payload bytes and checks that nothing follows them.
    // `unit` and `per_unit` only word the message ("labels", 1; "images of 28x28", 784).
    // `before_read` runs once the header's claim has passed every check that reads nothing more.
    std::vector<std::uint8_t> payload(std::uint64_t bytes, const std::string& unit, std::uint64_t per_unit,
                                      const std::function<void()>& before_read = {}) {
        const std::string expected = check_claim(bytes, unit, per_unit, before_read);
        // Capacity for the declared size (checked above; untouched pages cost nothing), filled as the
        // stream delivers: a gzip payload grows in place, never copied, so the peak is what arrived.
        std::vector<std::uint8_t> out;
        out.reserve(bytes);
        out.resize(gzip_ ? std::min<std::uint64_t>(bytes, kGzipUpfront) : bytes);
        std::size_t got = read_full(out.data(), out.size());
        while (got == out.size() && got < bytes) {
            out.resize(std::min<std::uint64_t>(bytes, 2 * out.size()));
            got += read_full(out.data() + got, out.size() - got);
        }
        check_end(got, bytes, expected);
        return out;
    }

    // payload() for images of `per_image` bytes, packed into `out` (packed, packed_at) a chunk at a
    // time as they arrive: the unpacked payload is never held whole.
    void payload_packed(std::uint64_t bytes, const std::string& unit, std::uint64_t per_image,
                        const std::function<void()>& before_read, LabeledImages& out) {
        const std::string expected = check_claim(bytes, unit, per_image, before_read);
        const std::uint64_t count = bytes / per_image;
        out.packed_at.reserve(count + 1);
        out.packed.reserve(bytes / 3);  // MNIST packs to ~30%; capacity left untouched costs nothing
        advise_huge_pages(out.packed.data(), out.packed.capacity());
        const std::uint64_t chunk_images = std::max<std::uint64_t>(1, kPackChunkBytes / per_image);
        std::vector<std::uint8_t> chunk(std::min(count, chunk_images) * per_image);
        std::uint64_t got = 0;
        while (got < bytes) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), bytes - got));
            const std::size_t n = read_full(chunk.data(), want);
            for (std::size_t i = 0; i + per_image <= n; i += per_image) {
                out.packed_at.push_back(out.packed.size());
                pack_zero_runs(chunk.data() + i, per_image, out.packed);
            }
            got += n;
            if (n < want) break;
        }
        check_end(got, bytes, expected);
        out.packed_at.push_back(out.packed.size());
    }

private:
    // The declared payload against the file and memory; returns how the messages word it.
    std::string check_claim(std::uint64_t bytes, const std::string& unit, std::uint64_t per_unit,
                            const std::function<void()>& before_read) {
        auto header_bytes = static_cast<std::uint64_t>(gztell(gz_));
        std::string expected = "expected " + std::to_string(bytes / per_unit) + " " + unit;
        if (!gzip_) {
            std::uint64_t left = file_size_ - header_bytes;
            if (left < bytes)
                throw Error(path_ + ": truncated: " + expected + " (" + std::to_string(bytes) +
                            " bytes), found " + std::to_string(left) + " bytes");
            if (left > bytes)
                throw Error(path_ + ": trailing data: " + expected + " (" + std::to_string(bytes) +
                            " bytes), found " + std::to_string(left) + " bytes");
        } else if (bytes > file_size_ * kMaxDeflateRatio) {
            throw Error(path_ + ": bad header: claims " + std::to_string(bytes) +
                        " bytes of payload, more than a " + std::to_string(file_size_) +
                        "-byte gzip file can hold");
        }
        // The declared size against memory (and ulimit -v) before inflating or allocating any of it.
        require_memory(bytes, path_ + ": the header's " + std::to_string(bytes / per_unit) + " " + unit);
        if (before_read) before_read();
        start_end_check();
        return expected;
    }

    // Loading is single-threaded, so the end-of-stream pass costs no wall time on a thread of its
    // own (about a third of a gzip file's load); without a thread (ulimit), check_end runs it.
    void start_end_check() {
        if (!gzip_) return;
        try {
            end_check_ = std::async(std::launch::async,
                                    [this] { return gzip_members_end(raw_fd_.get(), path_, cancel_end_check_); });
        } catch (const std::system_error&) {
        }
    }

    // `got` of the `bytes` arrived: all of them, and nothing after them.
    void check_end(std::uint64_t got, std::uint64_t bytes, const std::string& expected) {
        if (got < bytes)
            throw Error(path_ + ": truncated: " + expected + " (" + std::to_string(bytes) +
                        " bytes), found " + std::to_string(got) + " bytes");
        std::uint8_t extra;
        if (read_some(&extra, 1) != 0)
            throw Error(path_ + ": trailing data: " + expected + " (" + std::to_string(bytes) +
                        " bytes), found more after them");
        // gzread skips whatever follows the last gzip member; raw IDX refuses trailing bytes, so do we.
        if (gzip_) {
            const std::uint64_t end =
                end_check_.valid() ? end_check_.get() : gzip_members_end(raw_fd_.get(), path_, cancel_end_check_);
            if (end < file_size_)
                throw Error(path_ + ": trailing data: " + std::to_string(file_size_ - end) +
                            " bytes after the end of the gzip stream");
        }
    }

    std::size_t read_some(void* dst, std::size_t n) {
        int got = gzread(gz_, dst, static_cast<unsigned>(std::min<std::size_t>(n, kReadMax)));
        int err = Z_OK;
        const char* msg = gzerror(gz_, &err);
        if (err == Z_ERRNO) throw Error(path_ + ": read error: " + std::strerror(errno));
        // Z_BUF_ERROR here means the gzip stream ended before its trailer.
        if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
            std::string why = err == Z_BUF_ERROR ? "truncated" : msg;
            // zlib prefixes the name it opened: "<fd:4>: " (gzdopen).
            if (starts_with(why, "<fd:") && why.find(">: ") != std::string::npos) why.erase(0, why.find(">: ") + 3);
            throw Error(path_ + ": corrupt gzip stream: " + why);
        }
        return static_cast<std::size_t>(got);
    }

    // Reads until n bytes or the end of the data; returns how many arrived.
    std::size_t read_full(void* dst, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            std::size_t more = read_some(static_cast<std::uint8_t*>(dst) + got, n - got);
            if (more == 0) break;
            got += more;
        }
        return got;
    }

    std::uint32_t read_u32_or_throw(const char* what) {
        unsigned char b[4];
        std::size_t got = read_full(b, 4);
        if (got < 4)
            throw Error(path_ + ": truncated header: expected a 4-byte " + what + ", found " +
                        std::to_string(got) + " bytes");
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }

    std::string path_;
    std::uint64_t file_size_ = 0;
    UniqueFd raw_fd_{-1};
    gzFile gz_ = nullptr;
    bool gzip_ = false;
    std::atomic<bool> cancel_end_check_{false};
    std::future<std::uint64_t> end_check_;  // gzip_members_end, running beside the payload's read
};

// The labels file's complaint when the images file holds another number of images.
Error count_mismatch(const std::string& labels_path, std::uint64_t images, const std::string& images_path,
                     std::uint64_t labels) {
    return Error(labels_path + ": expected " + std::to_string(images) + " labels (as many as images in " +
                 images_path + "), found " + std::to_string(labels));
}

// read_idx_images; with `labels` given, the declared image count is checked against it before the
// payload is read (a gzip bomb beside a small labels file inflates nothing).
// `packed`: the images go into packed->packed and packed_at, and the result is empty.
std::vector<std::uint8_t> read_images(const std::string& path, std::size_t& count, std::size_t& rows,
                                      std::size_t& cols, const std::size_t* labels, const std::string& labels_path,
                                      LabeledImages* packed = nullptr) {
    IdxReader in(path);
    std::vector<std::uint32_t> dims = in.header(kMagicImages, "IDX images: uint8, 3 dims");
    if (dims[1] > kMaxSide || dims[2] > kMaxSide)
        throw Error(path + ": bad header: expected images at most " + std::to_string(kMaxSide) +
                    " pixels a side, found " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]));
    std::uint64_t per_image = std::uint64_t{dims[1]} * dims[2];  // < 2^24, so the product fits in 64 bits
    const std::string unit = "images of " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
    const auto check_count = [&] {
        if (labels && *labels != dims[0]) throw count_mismatch(labels_path, dims[0], path, *labels);
    };
    std::vector<std::uint8_t> images;
    if (packed) in.payload_packed(dims[0] * per_image, unit, per_image, check_count, *packed);
    else images = in.payload(dims[0] * per_image, unit, per_image, check_count);
    count = dims[0];
    rows = dims[1];
    cols = dims[2];
    return images;
}
}  // namespace

std::vector<std::uint8_t> read_idx_images(const std::string& path, std::size_t& count, std::size_t& rows,
                                          std::size_t& cols) {
    return read_images(path, count, rows, cols, nullptr, "");
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path, std::size_t& count) {
    IdxReader in(path);
    std::vector<std::uint32_t> dims = in.header(kMagicLabels, "IDX labels: uint8, 1 dim");
    std::vector<std::uint8_t> labels = in.payload(dims[0], "labels", 1);
    count = dims[0];
    return labels;
}

LabeledImages read_idx_pair(const std::string& images_path, const std::string& labels_path, bool pack) {
    LabeledImages out;
    std::size_t label_count = 0;
    // Labels first (a byte an image): the images' declared count is then checked before their payload.
    out.labels = read_idx_labels(labels_path, label_count);
    out.images = read_images(images_path, out.count, out.rows, out.cols, &label_count, labels_path,
                             pack ? &out : nullptr);
    // Any uint8 label: the class count, and so the range, is the run's (cmd/run/data_split.hpp).
    return out;
}

void LabeledImages::prefetch(std::size_t i) const {
    const std::uint8_t* start = is_packed() ? packed.data() + packed_at[i] : image(i);
    const std::uint8_t* end = is_packed() ? (i + 1 < packed_at.size() ? packed.data() + packed_at[i + 1]
                                                                       : packed.data() + packed.size())
                                          : start + rows * cols;
    constexpr std::size_t kLine = 64;
    for (const std::uint8_t* p = start; p < end; p += kLine) __builtin_prefetch(p);
}

const std::uint8_t* LabeledImages::pixels(std::size_t i, std::uint8_t* scratch) const {
    if (!is_packed()) return image(i);
    unpack_zero_runs(packed.data() + packed_at[i], rows * cols, scratch);
    return scratch;
}

}  // namespace trainctl
