// build_net: the one place that maps a net name to its definition.
#include "nets/nets.hpp"

#include "core/error.hpp"
#include "nets/lenet5.hpp"
#include "nets/mlp.hpp"

namespace trainctl {
namespace {

// The keys that size the net, for errors: net "mlp" (hidden 65536,65536; input size 32).
std::string net_label(const NetSpec& spec, const InputSpec& input) {
    std::string label = "net \"" + spec.type + "\" (";
    if (spec.type == "mlp") {
        label += "hidden ";
        for (std::size_t i = 0; i < spec.hidden.size(); ++i) label += (i ? "," : "") + std::to_string(spec.hidden[i]);
        label += "; ";
    }
    return label + "input size " + std::to_string(input.size) + ")";
}

}  // namespace

std::unique_ptr<Sequential> build_net(const NetSpec& spec, const InputSpec& input) {
    auto net = std::make_unique<Sequential>(Shape{1, input.size, input.size});
    if (spec.type == "lenet5") add_lenet5(*net, spec);
    else if (spec.type == "mlp") add_mlp(*net, spec);
    else throw usage_error("net: expected \"lenet5\" or \"mlp\", got \"" + spec.type + "\"");
    try {
        net->finalize();  // allocates the parameter arenas: refused when they cannot fit
    } catch (const Error& e) {
        throw Error(net_label(spec, input) + ": " + e.what(), e.exit_code());
    }
    return net;
}

}  // namespace trainctl
