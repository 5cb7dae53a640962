// Tensor: a float buffer with a logical shape that can shrink without reallocating.
// Dimension letters used everywhere: N batch, C channels, H height, W width, F features.
#pragma once
#include <array>
#include <cassert>
#include <cstddef>
#include <string>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

namespace trainctl {

// Up to four dimensions, stored inline so building one never allocates (hot path).
class Shape {
public:
    static constexpr std::size_t kMaxRank = 4;
    Shape() = default;
    Shape(std::initializer_list<std::size_t> dims) {
        assert(dims.size() <= kMaxRank);
        for (std::size_t d : dims) dims_[rank_++] = d;
    }
    std::size_t rank() const { return rank_; }
    std::size_t operator[](std::size_t i) const { assert(i < rank_); return dims_[i]; }
    std::size_t& operator[](std::size_t i) { assert(i < rank_); return dims_[i]; }
    std::size_t numel() const {
        std::size_t n = 1;
        for (std::size_t i = 0; i < rank_; ++i) n *= dims_[i];
        return n;
    }
    // The same shape with dim 0 (the batch) replaced.
    Shape with_batch(std::size_t n) const { Shape s = *this; if (rank_ > 0) s.dims_[0] = n; return s; }
    // Elements per sample: product of all dims but the first.
    std::size_t sample_numel() const { return rank_ == 0 ? 0 : numel() / (dims_[0] ? dims_[0] : 1); }
    bool operator==(const Shape& o) const {
        if (rank_ != o.rank_) return false;
        for (std::size_t i = 0; i < rank_; ++i) if (dims_[i] != o.dims_[i]) return false;
        return true;
    }
    bool operator!=(const Shape& o) const { return !(*this == o); }
    std::string str() const;  // "[32,6,28,28]"

private:
    std::array<std::size_t, kMaxRank> dims_{};
    std::size_t rank_ = 0;
};

// A contiguous row-major float tensor. reserve() is the only allocation; set_shape()
// only changes the logical shape, so a smaller last batch reuses the same buffer.
class Tensor {
public:
    Tensor() = default;
    explicit Tensor(const Shape& shape) { reserve(shape.numel()); set_shape(shape); }

    void reserve(std::size_t capacity) {
        if (capacity > storage_.size()) storage_ = xt::zeros<float>({capacity});
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
    xt::xtensor<float, 1> storage_;
    Shape shape_;
};

}  // namespace trainctl
