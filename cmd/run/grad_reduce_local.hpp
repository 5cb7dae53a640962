// One process trains alone: its gradients are already the run's.
#pragma once
#include "core/grad_reduce.hpp"

namespace trainctl {

class LocalGradReduce final : public GradReduce {
public:
    void reduce(float* /*grads*/, std::size_t /*count*/, std::size_t /*counters*/) override {}
};

}  // namespace trainctl
