// What a net costs: parameters and forward/training FLOPs per layer and sample. The one count
// `trainctl summary` shows and bench/ uses (bench_train prints it, bench/compare.sh reads it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/sequential.hpp"

namespace trainctl {

// FLOPs are 2 per multiply-add of the conv and linear products (the GEMMs, im2col's included);
// bias adds, ReLU, pooling, the loss and the optimizer update are left out: together about 11,000
// operations per sample in LeNet5's forward (1.4% of its 833,040), run at memory speed, not the GEMMs'.
struct LayerCost {
    std::string name, kind;      // "conv1", "conv2d"
    Shape out;                   // per-sample output shape
    std::uint64_t params = 0;    // floats of its "<name>.*" tensors
    std::uint64_t forward_flops = 0;
    // Forward, the weight gradients (the same products again) and the input gradient (again),
    // which backward skips for the net's first layer with parameters: 3x forward, 2x for that one.
    std::uint64_t train_flops = 0;
};

struct NetCost {
    std::vector<LayerCost> layers;
    std::uint64_t params = 0, forward_flops = 0, train_flops = 0;  // per sample, over all layers
};

NetCost net_cost(const Sequential& net);

}  // namespace trainctl
