// OptimizerSpec: which optimizer a run uses and its hyperparameters, as the config names them.
#pragma once
#include <string>

namespace trainctl {

struct OptimizerSpec {
    std::string type = "momentum";  // sgd | momentum | adam
    float momentum = 0.9f;          // momentum
    bool nesterov = false;          // momentum
    float beta1 = 0.9f;             // adam
    float beta2 = 0.999f;           // adam
    float eps = 1e-8f;              // adam
    float weight_decay = 0.0f;      // L2, added to the gradient (PyTorch semantics)
};

}  // namespace trainctl
