// build_net: the one place that maps a net name to its definition.
#include "nets/nets.hpp"

#include "core/error.hpp"
#include "nets/lenet5.hpp"
#include "nets/mlp.hpp"

namespace trainctl {

std::unique_ptr<Sequential> build_net(const NetSpec& spec, const InputSpec& input) {
    auto net = std::make_unique<Sequential>(Shape{1, input.size, input.size});
    if (spec.type == "lenet5") add_lenet5(*net, spec);
    else if (spec.type == "mlp") add_mlp(*net, spec);
    else throw usage_error("net: expected \"lenet5\" or \"mlp\", got \"" + spec.type + "\"");
    net->finalize();
    return net;
}

}  // namespace trainctl
