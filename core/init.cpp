// Initialisation draws, element by element in memory order so a seed gives the same net everywhere.
#include "core/init.hpp"
#include "core/rng.hpp"

#include <cmath>

namespace trainctl {

void init_weight_bias(const InitSpec& init, std::size_t fan_in, float* weight, std::size_t weight_size,
                      float* bias, std::size_t bias_size, Rng& rng) {
    if (init.kind == InitSpec::Kind::kNormal) {
        for (std::size_t i = 0; i < weight_size; ++i) weight[i] = rng.normal(0.0f, init.sigma);
        for (std::size_t i = 0; bias && i < bias_size; ++i) bias[i] = 0.0f;
        return;
    }
    // kaiming_uniform(a=sqrt(5)): gain sqrt(2/(1+5)), bound gain*sqrt(3/fan_in) = 1/sqrt(fan_in),
    // the same bound torch.nn uses for the bias.
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
    for (std::size_t i = 0; i < weight_size; ++i) weight[i] = rng.uniform(-bound, bound);
    for (std::size_t i = 0; bias && i < bias_size; ++i) bias[i] = rng.uniform(-bound, bound);
}

}  // namespace trainctl
