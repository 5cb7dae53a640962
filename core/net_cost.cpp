// Counting a net's parameters and FLOPs from its layers' own descriptions (core/layer_describe.cpp).
#include "core/net_cost.hpp"

#include <nlohmann/json.hpp>

namespace trainctl {

namespace {

std::uint64_t forward_flops_of(const Layer& layer) {
    nlohmann::json d;
    layer.describe(d);
    const Shape out = layer.out_sample();
    if (d["type"] == "conv2d") {  // one product of (in_channels*k*k) per output element
        const std::uint64_t k = d["kernel"].get<std::uint64_t>();
        return 2 * out.numel() * d["in_channels"].get<std::uint64_t>() * k * k;
    }
    if (d["type"] == "linear") return 2 * d["in_features"].get<std::uint64_t>() * d["out_features"].get<std::uint64_t>();
    return 0;
}

std::uint64_t params_of(const ParamSet& params, const std::string& layer) {
    std::uint64_t n = 0;
    for (const ParamInfo& p : params.infos())
        if (p.name.compare(0, layer.size() + 1, layer + ".") == 0) n += p.size;
    return n;
}

}  // namespace

NetCost net_cost(const Sequential& net) {
    NetCost cost;
    bool first_trainable = true;
    for (const auto& layer : net.layers()) {
        LayerCost c{layer->name(), layer->kind(), layer->out_sample(), params_of(net.params(), layer->name()),
                    forward_flops_of(*layer), 0};
        c.train_flops = c.forward_flops * (c.params > 0 && first_trainable ? 2 : 3);
        if (c.params > 0) first_trainable = false;
        cost.params += c.params;
        cost.forward_flops += c.forward_flops;
        cost.train_flops += c.train_flops;
        cost.layers.push_back(std::move(c));
    }
    return cost;
}

}  // namespace trainctl
