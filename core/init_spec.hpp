// InitSpec: how a layer's weights are drawn, as the config names it.
#pragma once

namespace trainctl {

// How weights are drawn. pytorch: kaiming-uniform a=sqrt(5) weights and bias U(+-1/sqrt(fan_in)),
// as torch.nn does; normal: weights N(0, sigma), bias zero, as MindSpore's LeNet example.
struct InitSpec {
    enum class Kind { kPytorch, kNormal };
    Kind kind = Kind::kPytorch;
    float sigma = 0.02f;
};

}  // namespace trainctl
