// Tensor: a float buffer with a logical shape that can shrink without reallocating.
// Dimension letters used everywhere: N batch, C channels, H height, W width, F features.
#pragma once
#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <vector>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

#include "core/aligned_allocator.hpp"
#include "core/shape.hpp"

namespace trainctl {

// A contiguous row-major float tensor. reserve() is the only allocation; set_shape()
// only changes the logical shape, so a smaller last batch reuses the same buffer.
class Tensor {
public:
    Tensor() = default;
    explicit Tensor(const Shape& shape) { reserve(shape.numel()); set_shape(shape); }

    void reserve(std::size_t capacity) {
        if (capacity > storage_.size()) storage_.assign(capacity, 0.0f);
    }
    void set_shape(const Shape& shape) {
        assert(shape.numel() <= storage_.size());
        shape_ = shape;
    }
    const Shape& shape() const { return shape_; }
    std::size_t size() const { return shape_.numel(); }
    std::size_t capacity() const { return storage_.size(); }
    float* data() { return storage_.data(); }
    const float* data() const { return storage_.data(); }
    float& operator[](std::size_t i) { return storage_.data()[i]; }
    float operator[](std::size_t i) const { return storage_.data()[i]; }
    void fill(float v) { std::fill(data(), data() + size(), v); }

    // A flat xtensor view of the logical elements, for tests and convenience code (not hot loops).
    auto flat() { return xt::adapt(data(), size(), xt::no_ownership(), std::array<std::size_t, 1>{size()}); }
    auto flat() const { return xt::adapt(data(), size(), xt::no_ownership(), std::array<std::size_t, 1>{size()}); }

private:
    std::vector<float, CacheAlignedAllocator<float>> storage_;  // rows of a batch start on cache lines
    Shape shape_;
};

}  // namespace trainctl
