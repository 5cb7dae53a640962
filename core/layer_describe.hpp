// The fields every layer description shares: type, name and per-sample in/out shapes.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "core/layer.hpp"

namespace trainctl {

// Writes {"type":kind(),"name":..,"in":[..],"out":[..]} into out; layers then add their own keys.
void describe_common(const Layer& layer, nlohmann::json& out);

}  // namespace trainctl
