// The summary's table and JSON, from core/net_cost.hpp's counts (the ones bench/ reports).
#include "cmd/summary_report.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cmd/ckpt_show.hpp"
#include "core/memory.hpp"
#include "core/net_cost.hpp"
#include "core/optimizer.hpp"

namespace trainctl {

namespace {

// 2263920 -> "2,263,920": counts read at a glance, as Keras prints them.
std::string grouped(std::uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// 2263920 -> "2.26 MFLOP"
std::string flop_text(double flops) {
    const char* units[] = {"FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP"};
    std::size_t u = 0;
    while (flops >= 1000 && u + 1 < sizeof units / sizeof *units) {
        flops /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f %s", u == 0 ? 0 : 2, flops, units[u]);
    return buf;
}

std::string shape_text(const Shape& s) {
    std::string t;
    for (std::size_t i = 0; i < s.rank(); ++i) t += (i ? "x" : "") + std::to_string(s[i]);
    return t;
}

nlohmann::json shape_json(const Shape& s) {
    nlohmann::json j = nlohmann::json::array();
    for (std::size_t i = 0; i < s.rank(); ++i) j.push_back(s[i]);
    return j;
}

}  // namespace

RunMemory run_memory(const RunConfig& config, const Sequential& net) {
    RunMemory m;
    const std::uint64_t total = net.params().total();
    m.params = m.grads = total * sizeof(float);
    // The optimizer's own count of its state tensors, not a second table of them.
    m.optimizer_slots = make_optimizer(config.optimizer, 1)->slot_names().size();
    m.optimizer = m.optimizer_slots * total * sizeof(float);
    m.activations = config.batch_size * net.activation_bytes_per_sample();
    return m;
}

std::string summary_text(const SummaryInput& in) {
    const NetCost cost = net_cost(in.net);
    std::ostringstream out;
    out << "Model: " << in.config.net.type << " (" << in.source << "), input " << shape_text(in.net.in_sample()) << "\n";
    TextTable table({"layer (type)", "output shape", "params", "forward FLOPs"}, "llrr");
    for (const LayerCost& l : cost.layers)
        table.add({l.name + " (" + l.kind + ")", shape_text(l.out), l.params ? grouped(l.params) : "--",
                   l.forward_flops ? grouped(l.forward_flops) : "--"});
    table.print(out);
    out << "Total params: " << grouped(cost.params) << " (" << format_size(cost.params * sizeof(float))
        << " as float32)\n";
    out << "FLOPs per sample: forward " << grouped(cost.forward_flops) << ", training " << grouped(cost.train_flops)
        << "\n";
    if (!in.training) {
        out << "(an inference export: no training config, so no per-epoch or memory figures)\n";
        return out.str();
    }
    if (in.samples_per_epoch) {
        const double n = static_cast<double>(*in.samples_per_epoch);
        out << "FLOPs per epoch (" << grouped(*in.samples_per_epoch) << " samples): forward "
            << flop_text(n * static_cast<double>(cost.forward_flops)) << ", training "
            << flop_text(n * static_cast<double>(cost.train_flops)) << "\n";
    } else {
        out << "FLOPs per epoch: unknown (" << in.no_epoch_why << ")\n";
    }
    // One figure per line, like torchinfo's footer: the optimizer's name and a long size fit in 80 columns.
    const RunMemory m = run_memory(in.config, in.net);
    const std::string state = in.config.optimizer.type + " state (" + std::to_string(m.optimizer_slots) +
                              (m.optimizer_slots == 1 ? " slot)" : " slots)");
    const std::pair<std::string, std::uint64_t> parts[] = {
        {"parameters", m.params}, {"gradients", m.grads}, {state, m.optimizer}, {"activations", m.activations}};
    out << "Memory at batch " << in.config.batch_size << ": " << format_size(m.total()) << "\n";
    std::size_t width = 0;
    for (const auto& part : parts) width = std::max(width, part.first.size());
    for (const auto& [what, bytes] : parts)
        out << "  " << what << std::string(width + 2 - what.size(), ' ') << format_size(bytes) << "\n";
    out << "(FLOPs: 2 per multiply-add of the conv and linear products; training = forward +\n"
           " weight gradients + input gradients, ~3x forward; bias, ReLU, pooling and the\n"
           " update are left out. Activations: each layer's output and input gradient.)\n";
    return out.str();
}

nlohmann::json summary_json(const SummaryInput& in) {
    const NetCost cost = net_cost(in.net);
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerCost& l : cost.layers)
        layers.push_back({{"name", l.name}, {"type", l.kind}, {"output_shape", shape_json(l.out)}, {"params", l.params},
                          {"forward_flops", l.forward_flops}, {"train_flops", l.train_flops}});
    nlohmann::json j = {{"source", in.source}, {"net", in.config.net.type}, {"input_shape", shape_json(in.net.in_sample())},
                        {"layers", layers}, {"params", cost.params}, {"param_bytes", cost.params * sizeof(float)},
                        {"forward_flops_per_sample", cost.forward_flops}, {"train_flops_per_sample", cost.train_flops},
                        {"samples_per_epoch", nullptr}, {"forward_flops_per_epoch", nullptr},
                        {"train_flops_per_epoch", nullptr}, {"memory", nullptr}};
    if (!in.training) return j;
    if (in.samples_per_epoch) {
        j["samples_per_epoch"] = *in.samples_per_epoch;
        j["forward_flops_per_epoch"] = *in.samples_per_epoch * cost.forward_flops;
        j["train_flops_per_epoch"] = *in.samples_per_epoch * cost.train_flops;
    }
    const RunMemory m = run_memory(in.config, in.net);
    j["memory"] = {{"batch_size", in.config.batch_size}, {"params", m.params}, {"grads", m.grads},
                   {"optimizer", in.config.optimizer.type}, {"optimizer_slots", m.optimizer_slots},
                   {"optimizer_state", m.optimizer}, {"activations", m.activations}, {"total", m.total()}};
    return j;
}

}  // namespace trainctl
