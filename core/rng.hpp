// Rng: PCG32 (O'Neill 2014) with our own bounded, uniform and normal draws, so a seed gives
// the same numbers with every compiler and standard library (std distributions differ).
#pragma once
#include <cstdint>
#include <vector>

namespace trainctl {

// Independent streams drawn from one run seed.
constexpr std::uint64_t kStreamInit = 1;     // weight initialisation
constexpr std::uint64_t kStreamShuffle = 2;  // per-epoch data order
constexpr std::uint64_t kStreamPick = 3;     // picking images to show (infer)
constexpr std::uint64_t kStreamValSplit = 4; // the images held out for validation

struct RngState {
    std::uint64_t state = 0;
    std::uint64_t inc = 0;
};

class Rng {
public:
    Rng(std::uint64_t seed, std::uint64_t stream);

    std::uint32_t next_u32();
    // Uniform integer in [0, bound), unbiased (Lemire's multiply-and-reject).
    std::uint32_t below(std::uint32_t bound);
    // Uniform float in [0, 1) with 24 random bits.
    float uniform();
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    // Normal draw by Box-Muller (no cached second value: the state is just two words).
    float normal(float mean, float stddev);

    RngState state() const { return {state_, inc_}; }
    void set_state(const RngState& s) { state_ = s.state; inc_ = s.inc; }

private:
    std::uint64_t state_ = 0;
    std::uint64_t inc_ = 0;
};

// Fills order with 0..n-1 in a Fisher-Yates permutation drawn from (seed, epoch).
// The order of epoch e depends on nothing else, so a resumed run rebuilds it exactly.
void epoch_permutation(std::uint64_t seed, std::uint64_t epoch, std::vector<std::uint32_t>& order);

}  // namespace trainctl
