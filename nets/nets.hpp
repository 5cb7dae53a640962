// Network definitions: LeNet5 (MindSpore/Paddle tutorial variants) and the MLP, by config.
#pragma once
#include <memory>

#include "core/config.hpp"
#include "core/data/input_spec.hpp"
#include "core/sequential.hpp"

namespace trainctl {

// MNIST's ten digits: what a net built without data has (and every checkpoint from before the
// class count was stored).
constexpr std::size_t kDefaultClasses = 10;
// The last layer's outputs: spec.num_classes, or kDefaultClasses when it is 0.
inline std::size_t net_classes(const NetSpec& spec) { return spec.num_classes ? spec.num_classes : kDefaultClasses; }

// Builds and finalizes (arenas allocated, not initialised) the net named by spec.type for
// inputs of 1 x input.size x input.size. usage_error when the shapes cannot work.
std::unique_ptr<Sequential> build_net(const NetSpec& spec, const InputSpec& input);

}  // namespace trainctl
