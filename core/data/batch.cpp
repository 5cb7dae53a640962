// BatchMaker: uint8 images -> normalised, resized float batches, with every table built once.
#include "core/data/batch.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/parallel.hpp"

namespace trainctl {
namespace {

// OpenCV INTER_LINEAR along one axis: pixel centres aligned, src = (dst + 0.5) * scale - 0.5,
// and a source position before the first or past the last pixel takes that edge pixel.
void linear_table(std::size_t src, std::size_t dst, std::vector<std::uint32_t>& i0,
                  std::vector<std::uint32_t>& i1, std::vector<float>& w1) {
    const double scale = static_cast<double>(src) / static_cast<double>(dst);
    const auto last = static_cast<std::int64_t>(src) - 1;
    i0.resize(dst);
    i1.resize(dst);
    w1.resize(dst);
    for (std::size_t d = 0; d < dst; ++d) {
        double pos = (static_cast<double>(d) + 0.5) * scale - 0.5;
        auto s = static_cast<std::int64_t>(std::floor(pos));
        double frac = pos - static_cast<double>(s);
        if (s < 0) {
            s = 0;
            frac = 0;
        }
        if (s >= last) {
            s = last;
            frac = 0;
        }
        i0[d] = static_cast<std::uint32_t>(s);
        i1[d] = static_cast<std::uint32_t>(std::min(s + 1, last));
        w1[d] = static_cast<float>(frac);
    }
}

}  // namespace

BatchMaker::BatchMaker(const InputSpec& spec, std::size_t src_rows, std::size_t src_cols)
    : spec_(spec), src_rows_(src_rows), src_cols_(src_cols), lut_(256), scratch_(src_rows * src_cols), rows_(src_rows * spec.size) {
    assert(spec.size > 0 && spec.std > 0 && src_rows > 0 && src_cols > 0);
    linear_table(src_rows, spec.size, y0_, y1_, wy_);
    linear_table(src_cols, spec.size, x0_, x1_, wx_);
    // Resizing and normalising commute (weights sum to 1), so normalise the source pixels.
    for (int v = 0; v < 256; ++v)
        lut_[v] = static_cast<float>(v / (255.0 * spec.std) - spec.mean / static_cast<double>(spec.std));
}

void BatchMaker::reserve(std::size_t batch) {
    x_.reserve(batch * spec_.size * spec_.size);
    x_.set_shape({batch, 1, spec_.size, spec_.size});
    chunks_ = reserve_threads();
    scratch_.resize(chunks_ * src_rows_ * src_cols_);
    rows_.resize(chunks_ * src_rows_ * spec_.size);
}

void BatchMaker::make(const LabeledImages& data, const std::uint32_t* indices, std::size_t n,
                      std::uint8_t* labels) {
    assert(data.rows == src_rows_ && data.cols == src_cols_);
    x_.set_shape({n, 1, spec_.size, spec_.size});
    const std::size_t plane = spec_.size * spec_.size;
    // Split over the engine threads like a layer (each image alone decides its floats, so the
    // batch is the same at any thread count); each chunk unpacks and resizes in its own scratch.
    const std::size_t chunks = chunks_for(n * plane, chunks_);
    parallel_for(chunks, [&](std::size_t c) {
        std::uint8_t* unpacked = scratch_.data() + c * src_rows_ * src_cols_;
        float* rows = rows_.data() + c * src_rows_ * spec_.size;
        const Range r = chunk_range(n, chunks, c);
        for (std::size_t i = r.begin; i < r.end; ++i) {
            assert(indices[i] < data.count);
            transform_into(data.pixels(indices[i], unpacked), x_.data() + i * plane, rows);
            labels[i] = data.labels[indices[i]];
        }
    });
}

void BatchMaker::transform(const std::uint8_t* image, float* out) { transform_into(image, out, rows_.data()); }

void BatchMaker::transform_into(const std::uint8_t* image, float* out, float* rows) const {
    const float* lut = lut_.data();
    const std::size_t size = spec_.size;
    if (src_rows_ == size && src_cols_ == size) {
        for (std::size_t i = 0; i < size * size; ++i) out[i] = lut[image[i]];
        return;
    }
    // Separable: each source row is resized across once (rows_ holds them), then each output row
    // blends two of those. The same products as blending four pixels per output, in the same
    // order, so the floats are identical; each source pixel is looked up once, not up to 4 times.
    for (std::size_t sy = 0; sy < src_rows_; ++sy) {
        const std::uint8_t* src = image + sy * src_cols_;
        float* across = rows + sy * size;
        for (std::size_t ox = 0; ox < size; ++ox) {
            const float a = lut[src[x0_[ox]]], b = lut[src[x1_[ox]]];
            across[ox] = a + wx_[ox] * (b - a);
        }
    }
    for (std::size_t oy = 0; oy < size; ++oy) {
        const float* top = rows + y0_[oy] * size;
        const float* bottom = rows + y1_[oy] * size;
        const float wy = wy_[oy];
        float* row = out + oy * size;
        for (std::size_t ox = 0; ox < size; ++ox) row[ox] = top[ox] + wy * (bottom[ox] - top[ox]);
    }
}

}  // namespace trainctl
