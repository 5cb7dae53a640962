// Turning uint8 images into a normalised float batch, into a preallocated tensor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aligned_allocator.hpp"
#include "core/data/idx.hpp"
#include "core/data/input_spec.hpp"
#include "core/tensor.hpp"

namespace trainctl {

class BatchMaker {
public:
    // Precomputes the resize tables for src_rows x src_cols -> spec.size x spec.size.
    BatchMaker(const InputSpec& spec, std::size_t src_rows, std::size_t src_cols);
    // The only allocation: x for up to `batch` images, shape [batch,1,size,size], and a scratch
    // image per engine thread (make() splits the batch over them).
    void reserve(std::size_t batch);
    // Fills x ([n,1,size,size]) and labels[0..n) from data (packed or not) at the n given indices.
    void make(const LabeledImages& data, const std::uint32_t* indices, std::size_t n,
              std::uint8_t* labels);
    // Transforms one uint8 image (src_rows x src_cols) into size*size floats at out (not const:
    // it uses the maker's scratch rows, so one maker serves one thread).
    void transform(const std::uint8_t* image, float* out);
    const Tensor& batch() const { return x_; }
    Tensor& batch() { return x_; }
    const InputSpec& spec() const { return spec_; }

private:
    void transform_into(const std::uint8_t* image, float* out, float* rows) const;
    void resize_across(const std::uint8_t* image, float* rows) const;

    InputSpec spec_;
    std::size_t src_rows_, src_cols_;
    // Per output row/col: the two source indices and the weight of the second.
    std::vector<std::uint32_t> y0_, y1_, x0_, x1_;
    std::vector<float> wy_, wx_;
    std::vector<float> lut_;  // uint8 value -> normalised float
    // Each thread's scratch starts on a cache line of its own: 784-byte images side by side had
    // put the end of one thread's image and the start of the other's on one line, which then
    // bounced between the cores at every image (a batch of 256 test images on 2 threads:
    // 112-120 us before, 99-101 us after, 3 alternate runs).
    std::size_t scratch_stride() const { return round_up_to_line(src_rows_ * src_cols_, 1); }
    std::size_t rows_stride() const { return round_up_to_line(src_rows_ * spec_.size, sizeof(float)); }
    std::size_t threads_ = 1;  // engine threads at reserve()
    std::vector<std::uint8_t, CacheAlignedAllocator<std::uint8_t>> scratch_;  // per thread: one source image, unpacked from a packed set
    std::vector<float, CacheAlignedAllocator<float>> rows_;  // per thread: the source rows resized across (src_rows x size)
    Tensor x_;
};

}  // namespace trainctl
