// Shape: the dimensions of a tensor (up to four), with no storage; light enough for any header.
#pragma once
#include <array>
#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <string>

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

}  // namespace trainctl
