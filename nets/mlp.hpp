// MLP layers appended to an empty Sequential.
#pragma once
#include "core/config.hpp"
#include "core/sequential.hpp"

namespace trainctl {
void add_mlp(Sequential& net, const NetSpec& spec);
}
