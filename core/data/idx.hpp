// IDX files (the MNIST format), raw or gzip-compressed, read into uint8 memory and validated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trainctl {

// Images [count, rows, cols] and labels [count], both uint8, as stored in the files; or the
// images packed (core/data/zero_runs.hpp), with `images` left empty.
struct LabeledImages {
    std::vector<std::uint8_t> images;
    std::vector<std::uint8_t> labels;
    std::vector<std::uint8_t> packed;       // every image's zero runs, one after the other
    std::vector<std::uint64_t> packed_at;   // where image i starts in `packed`; empty: not packed
    std::size_t count = 0;
    std::size_t rows = 0;
    std::size_t cols = 0;
    bool is_packed() const { return !packed_at.empty(); }
    // Unpacked images only.
    const std::uint8_t* image(std::size_t i) const { return images.data() + i * rows * cols; }
    // Image i's rows*cols pixels: in `images`, or unpacked into `scratch` (rows*cols bytes).
    const std::uint8_t* pixels(std::size_t i, std::uint8_t* scratch) const;
    // Asks the CPU to start loading image i's bytes (packed or not) into cache: a batch visits
    // images in shuffled order, each a cache miss otherwise.
    void prefetch(std::size_t i) const;
};

// Reads one IDX file (gzip detected by its magic bytes, not the name). Checks the magic
// (0x00000803 images, 0x00000801 labels), dims, and that the payload size matches exactly.
// Errors name the file: "data/mnist/t10k-labels-idx1-ubyte: truncated: expected 10000 labels, found 9000".
std::vector<std::uint8_t> read_idx_images(const std::string& path, std::size_t& count,
                                          std::size_t& rows, std::size_t& cols);
std::vector<std::uint8_t> read_idx_labels(const std::string& path, std::size_t& count);

// Both files of a split; also checks that counts agree (labels are any uint8: the run checks them
// against its class count). `pack`: the
// images are packed as they arrive (the whole set is never held unpacked).
LabeledImages read_idx_pair(const std::string& images_path, const std::string& labels_path, bool pack = false);

}  // namespace trainctl
