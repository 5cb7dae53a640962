// The MLP of the MindSpore breakpoint tutorial (seed 004): 784 -fc1-> 512 -relu-> -fc2-> 512
// -relu-> -fc3-> classes, with configurable hidden sizes.
#include "nets/mlp.hpp"

#include "core/flatten.hpp"
#include "core/linear.hpp"
#include "core/relu.hpp"
#include "nets/nets.hpp"

namespace trainctl {

void add_mlp(Sequential& net, const NetSpec& spec) {
    net.add<Flatten>("flatten");
    for (std::size_t i = 0; i < spec.hidden.size(); ++i) {
        net.add_with_params<Linear>("fc" + std::to_string(i + 1), spec.hidden[i]);
        net.add<ReLU>("relu" + std::to_string(i + 1));
    }
    net.add_with_params<Linear>("fc" + std::to_string(spec.hidden.size() + 1), net_classes(spec));
}

}  // namespace trainctl
