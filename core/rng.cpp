// PCG32 and the draws built on it.
#include "core/rng.hpp"

#include <cmath>
#include <numeric>

namespace trainctl {

constexpr double kPi = 3.14159265358979323846;

Rng::Rng(std::uint64_t seed, std::uint64_t stream) : state_(0), inc_((stream << 1u) | 1u) {
    next_u32();
    state_ += seed;
    next_u32();
}

std::uint32_t Rng::next_u32() {
    std::uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<std::uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

std::uint32_t Rng::below(std::uint32_t bound) {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
        std::uint32_t threshold = (0u - bound) % bound;
        while (low < threshold) {
            m = static_cast<std::uint64_t>(next_u32()) * bound;
            low = static_cast<std::uint32_t>(m);
        }
    }
    return static_cast<std::uint32_t>(m >> 32u);
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8u) * (1.0f / 16777216.0f); }

float Rng::normal(float mean, float stddev) {
    // u1 in (0,1] so log() is finite.
    double u1 = (static_cast<double>(next_u32() >> 8u) + 1.0) / 16777216.0;
    double u2 = static_cast<double>(next_u32() >> 8u) / 16777216.0;
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
    return static_cast<float>(mean + stddev * z);
}

void epoch_permutation(std::uint64_t seed, std::uint64_t epoch, std::vector<std::uint32_t>& order) {
    std::iota(order.begin(), order.end(), 0u);
    Rng rng(seed ^ (0x9E3779B97F4A7C15ULL * (epoch + 1)), kStreamShuffle);
    for (std::size_t i = order.size(); i > 1; --i) {
        std::uint32_t j = rng.below(static_cast<std::uint32_t>(i));
        std::swap(order[i - 1], order[j]);
    }
}

}  // namespace trainctl
