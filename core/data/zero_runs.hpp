// Zero-run packing of uint8 images: runs of black cost two bytes, so MNIST's background (about
// 80% of its pixels) is nearly free and the training set held for a run shrinks about 3.9x.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trainctl {

// The most bytes pack_zero_runs() appends for n pixels: every byte of n, a segment header per
// 255 literals, and two more (a first segment with under 3 zeros, a last one of zeros alone).
constexpr std::size_t packed_size_bound(std::size_t n) { return n + 2 * (n / 255 + 2); }

// Appends `n` pixels to `out` as segments [zeros][literals][the literal bytes], each count
// 0..255, until the segments cover all n. Lossless; never more than packed_size_bound(n) bytes.
void pack_zero_runs(const std::uint8_t* pixels, std::size_t n, std::vector<std::uint8_t>& out);

// Writes the `n` pixels packed at `packed` (by pack_zero_runs, with that n) to `out`.
void unpack_zero_runs(const std::uint8_t* packed, std::size_t n, std::uint8_t* out);

}  // namespace trainctl
