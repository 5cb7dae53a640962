// LeNet5 as in the MindSpore tutorials, with Paddle's options (conv1 padding, fc ReLUs, conv bias,
// no ReLU after conv2).
//   1@32x32 -conv1 k5-> 6@28x28 -relu,pool2-> 6@14x14 -conv2 k5-> 16@10x10 -relu,pool2-> 16@5x5
//   -flatten-> 400 -fc1-> 120 -fc2-> 84 -fc3-> classes  (ReLU after fc1, fc2 when fc_relu)
// Paddle's tutorial (seed 003) pools conv2's output directly (conv2_relu false); its second
// ReLU, after pool1, is a no-op on relu1's non-negative maxima and has no layer here.
#include "nets/lenet5.hpp"

#include "core/conv2d.hpp"
#include "core/error.hpp"
#include "core/flatten.hpp"
#include "core/linear.hpp"
#include "core/maxpool2d.hpp"
#include "core/relu.hpp"
#include "nets/nets.hpp"

namespace trainctl {

constexpr std::size_t kLenetKernel = 5;
// conv1 (-4), pool (/2), conv2 (-4), pool (/2) must leave at least 1x1: side >= 16.
constexpr std::size_t kLenetMinSide = 16;

void add_lenet5(Sequential& net, const NetSpec& spec) {
    const std::size_t side = net.in_sample()[1] + 2 * spec.conv_padding;
    if (side < kLenetMinSide)
        throw usage_error("input.size: lenet5 needs input.size + 2*conv_padding >= " + std::to_string(kLenetMinSide) +
                          ", got " + std::to_string(side));
    net.add_with_params<Conv2d>("conv1", Conv2dOptions{/*out_channels=*/6, kLenetKernel, /*stride=*/1,
                                                       spec.conv_padding, spec.conv_bias});
    net.add<ReLU>("relu1");
    net.add<MaxPool2d>("pool1", /*kernel=*/2, /*stride=*/2);
    net.add_with_params<Conv2d>("conv2", Conv2dOptions{/*out_channels=*/16, kLenetKernel, /*stride=*/1,
                                                       /*padding=*/0, spec.conv_bias});
    if (spec.conv2_relu) net.add<ReLU>("relu2");
    net.add<MaxPool2d>("pool2", /*kernel=*/2, /*stride=*/2);
    net.add<Flatten>("flatten");
    net.add_with_params<Linear>("fc1", /*out_features=*/120);
    if (spec.fc_relu) net.add<ReLU>("relu3");
    net.add_with_params<Linear>("fc2", /*out_features=*/84);
    if (spec.fc_relu) net.add<ReLU>("relu4");
    net.add_with_params<Linear>("fc3", net_classes(spec));
}

}  // namespace trainctl
