// Weight and bias initialisation shared by the layers' init_params().
#pragma once
#include <cstddef>

#include "core/layer.hpp"

namespace trainctl {

// Draws a layer's weight then (if bias != nullptr) its bias from rng, in that order:
//   pytorch: w ~ U(+-1/sqrt(fan_in)) (kaiming_uniform with a=sqrt(5)), b ~ U(+-1/sqrt(fan_in))
//   normal:  w ~ N(0, sigma), b = 0
// fan_in is in_channels*kh*kw for a conv, in_features for a linear layer.
void init_weight_bias(const InitSpec& init, std::size_t fan_in, float* weight, std::size_t weight_size,
                      float* bias, std::size_t bias_size, Rng& rng);

}  // namespace trainctl
