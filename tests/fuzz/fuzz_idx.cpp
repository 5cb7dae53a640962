// Fuzzes the IDX reader on raw and gzip files. Every input is read as is (so mutated gzip
// streams are covered) and, unless it already is gzip, also gzip-compressed, so that header
// mutations reach the gzip size checks too.
#include <zlib.h>

#include <cstdlib>
#include <string>

#include "core/data/idx.hpp"
#include "core/error.hpp"
#include "fuzz_input_file.hpp"

using namespace trainctl;

namespace {

std::string gzip(const std::uint8_t* data, std::size_t size) {
    z_stream zs{};
    // windowBits 15 + 16 writes a gzip wrapper; level 1: only the format matters here.
    if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
    std::string out(deflateBound(&zs, size), '\0');
    zs.next_in = const_cast<std::uint8_t*>(data);
    zs.avail_in = static_cast<uInt>(size);
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

void read_idx(const std::string& path) {
    std::size_t count = 0, rows = 0, cols = 0;
    try {
        std::vector<std::uint8_t> images = read_idx_images(path, count, rows, cols);
        if (images.size() != count * rows * cols) std::abort();  // the payload must match the dims
    } catch (const Error&) {
    }
    try {
        std::vector<std::uint8_t> labels = read_idx_labels(path, count);
        if (labels.size() != count) std::abort();
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static trainctl::fuzzing::FuzzInputFile file;
    read_idx(file.hold(data, size));
    const bool is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!is_gzip) {
        const std::string compressed = gzip(data, size);
        read_idx(file.hold(compressed.data(), compressed.size()));
    }
    return 0;
}
