// The sum of a run of floats, in a fixed order the compiler can vectorise. A plain `s += p[i]`
// loop is one chain of dependent adds, 4 cycles each: a conv layer's bias grad summed that way
// (LeNet's conv1: 6 x 784 floats an image) took longer than its weight grad.
#pragma once
#include <cstddef>

namespace trainctl {

// p[0] + ... + p[n-1] as kSumLanes partial sums (float k of every block of kSumLanes goes to
// partial k), then those added pairwise. The same floats in the same order on any CPU: only the
// vector width the compiler uses for the partials differs.
constexpr std::size_t kSumLanes = 64;
inline float sum_floats(const float* p, std::size_t n) {
    float part[kSumLanes] = {};
    std::size_t i = 0;
    for (; i + kSumLanes <= n; i += kSumLanes)
        for (std::size_t k = 0; k < kSumLanes; ++k) part[k] += p[i + k];
    for (std::size_t k = 0; i + k < n; ++k) part[k] += p[i + k];
    for (std::size_t width = kSumLanes / 2; width > 0; width /= 2)
        for (std::size_t k = 0; k < width; ++k) part[k] += part[k + width];
    return part[0];
}

}  // namespace trainctl
