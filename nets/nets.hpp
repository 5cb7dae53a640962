// Network definitions: LeNet5 (MindSpore/Paddle tutorial variants) and the MLP, by config.
#pragma once
#include <memory>

#include "core/config.hpp"
#include "core/data/input_spec.hpp"
#include "core/sequential.hpp"

namespace trainctl {

// Builds and finalizes (arenas allocated, not initialised) the net named by spec.type for
// inputs of 1 x input.size x input.size. usage_error when the shapes cannot work.
std::unique_ptr<Sequential> build_net(const NetSpec& spec, const InputSpec& input);

}  // namespace trainctl
