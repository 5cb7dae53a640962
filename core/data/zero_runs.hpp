// Zero-run packing of uint8 images: runs of black cost two bytes, so MNIST's background (about
// 80% of its pixels) is nearly free and the training set held for a run shrinks about 3.9x.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trainctl {

// Appends `n` pixels to `out` as segments [zeros][literals][the literal bytes], each count
// 0..255, until the segments cover all n. Lossless; never more than n + 2 * (n / 255 + 1) bytes.
void pack_zero_runs(const std::uint8_t* pixels, std::size_t n, std::vector<std::uint8_t>& out);

// Writes the `n` pixels packed at `packed` (by pack_zero_runs, with that n) to `out`.
void unpack_zero_runs(const std::uint8_t* packed, std::size_t n, std::uint8_t* out);

}  // namespace trainctl
