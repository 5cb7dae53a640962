// Shared part of Layer::describe().
#include "core/layer_describe.hpp"

#include <vector>
#include <nlohmann/json.hpp>

namespace trainctl {

namespace {
std::vector<std::size_t> dims(const Shape& s) {
    std::vector<std::size_t> d;
    for (std::size_t i = 0; i < s.rank(); ++i) d.push_back(s[i]);
    return d;
}
}  // namespace

void describe_common(const Layer& layer, nlohmann::json& out) {
    out["type"] = layer.kind();
    out["name"] = layer.name();
    out["in"] = dims(layer.in_sample());
    out["out"] = dims(layer.out_sample());
}

}  // namespace trainctl
