// BatchMaker: uint8 images -> normalised, resized float batches, with every table built once.
#include "core/data/batch.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/parallel.hpp"

// AVX-512 with byte loads (BW) on 128-bit vectors (VL): the first pass by permutes.
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define TRAINCTL_BATCH_AVX512 1
#include "core/intrinsics.hpp"
#endif

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

#ifdef TRAINCTL_BATCH_AVX512
constexpr std::size_t kRowLanes = 16;

// BatchMaker::resize_across for rows of up to 32 pixels: each source row's pixels, normalised,
// sit in two vectors, and one two-vector permute per 16 outputs picks every output's two source pixels
// (x0, x1 as lane indices), where the scalar loop looks each one up through the image and the
// table. The same arithmetic per output (a + w * (b - a), contracted to one FMA in both).
void resize_across_by_permutes(const std::uint8_t* image, std::size_t src_rows, std::size_t src_cols, std::size_t size,
                               const std::uint32_t* x0, const std::uint32_t* x1, const float* wx, const float* lut,
                               float* rows) {
    // The row's pixels through the table by gathers: stored one by one and loaded as vectors,
    // every load waited for the stores to drain (a store-forwarding stall).
    const std::size_t hi_count = src_cols > kRowLanes ? src_cols - kRowLanes : 0;
    const __mmask16 lo_mask = static_cast<__mmask16>((1u << std::min(src_cols, kRowLanes)) - 1);
    const __mmask16 hi_mask = static_cast<__mmask16>((1u << hi_count) - 1);
    for (std::size_t sy = 0; sy < src_rows; ++sy) {
        const std::uint8_t* src = image + sy * src_cols;
        const __m512i lo_px = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(lo_mask, src));
        const __m512i hi_px = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(hi_mask, src + kRowLanes));
        const __m512 lo = _mm512_i32gather_ps(lo_px, lut, sizeof(float));
        const __m512 hi = _mm512_i32gather_ps(hi_px, lut, sizeof(float));
        float* across = rows + sy * size;
        for (std::size_t ox = 0; ox < size; ox += kRowLanes) {
            const std::size_t n = std::min(kRowLanes, size - ox);
            const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1);
            const __m512i i0 = _mm512_maskz_loadu_epi32(mask, x0 + ox);
            const __m512i i1 = _mm512_maskz_loadu_epi32(mask, x1 + ox);
            const __m512 a = _mm512_permutex2var_ps(lo, i0, hi), b = _mm512_permutex2var_ps(lo, i1, hi);
            const __m512 w = _mm512_maskz_loadu_ps(mask, wx + ox);
            _mm512_mask_storeu_ps(across + ox, mask, _mm512_add_ps(a, _mm512_mul_ps(w, _mm512_sub_ps(b, a))));
        }
    }
}

#endif

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
    threads_ = reserve_threads();
    scratch_.resize(threads_ * scratch_stride());
    rows_.resize(threads_ * rows_stride());
}

void BatchMaker::make(const LabeledImages& data, const std::uint32_t* indices, std::size_t n,
                      std::uint8_t* labels) {
    assert(data.rows == src_rows_ && data.cols == src_cols_);
    x_.set_shape({n, 1, spec_.size, spec_.size});
    const std::size_t plane = spec_.size * spec_.size;
    // Split over the engine threads like a layer (each image alone decides its floats, so the
    // batch is the same at any thread count), in the chunks the first layer takes, so each
    // thread's images stay in its cache; each thread unpacks and resizes in its own scratch.
    const std::size_t chunks = chunks_for(n * plane, batch_chunks(n, threads_));
    parallel_for_workers(chunks, [&](std::size_t c, std::size_t worker) {
        std::uint8_t* unpacked = scratch_.data() + worker * scratch_stride();
        float* rows = rows_.data() + worker * rows_stride();
        const Range r = chunk_range(n, chunks, c);
        // Two images ahead: the loads of a shuffled image's bytes overlap the work on this one.
        constexpr std::size_t kAhead = 2;
        for (std::size_t i = r.begin; i < std::min(r.end, r.begin + kAhead); ++i) data.prefetch(indices[i]);
        for (std::size_t i = r.begin; i < r.end; ++i) {
            assert(indices[i] < data.count);
            if (i + kAhead < r.end) data.prefetch(indices[i + kAhead]);
            transform_into(data.pixels(indices[i], unpacked), x_.data() + i * plane, rows);
            labels[i] = data.labels[indices[i]];
        }
    });
}

void BatchMaker::transform(const std::uint8_t* image, float* out) { transform_into(image, out, rows_.data()); }

// The first pass: each source row resized across into rows (src_rows x size).
void BatchMaker::resize_across(const std::uint8_t* image, float* rows) const {
#ifdef TRAINCTL_BATCH_AVX512
    if (src_cols_ <= 2 * kRowLanes) {
        resize_across_by_permutes(image, src_rows_, src_cols_, spec_.size, x0_.data(), x1_.data(), wx_.data(),
                                  lut_.data(), rows);
        return;
    }
#endif
    const float* lut = lut_.data();
    const std::size_t size = spec_.size;
    for (std::size_t sy = 0; sy < src_rows_; ++sy) {
        const std::uint8_t* src = image + sy * src_cols_;
        float* across = rows + sy * size;
        for (std::size_t ox = 0; ox < size; ++ox) {
            const float a = lut[src[x0_[ox]]], b = lut[src[x1_[ox]]];
            across[ox] = a + wx_[ox] * (b - a);
        }
    }
}

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
    resize_across(image, rows);
    for (std::size_t oy = 0; oy < size; ++oy) {
        const float* top = rows + y0_[oy] * size;
        const float* bottom = rows + y1_[oy] * size;
        const float wy = wy_[oy];
        float* row = out + oy * size;
        for (std::size_t ox = 0; ox < size; ++ox) row[ox] = top[ox] + wy * (bottom[ox] - top[ox]);
    }
}

}  // namespace trainctl
