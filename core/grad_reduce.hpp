// The seam for data-parallel training: after backward and before the update, the trainer hands
// the gradient arena to a GradReduce (e.g. an allreduce mean over processes). core/ knows no MPI:
// the run layer implements it (cmd/run/grad_reduce_local.hpp for a single process).
#pragma once
#include <cstddef>

namespace trainctl {

class GradReduce {
public:
    virtual ~GradReduce() = default;
    // `grads`: the contiguous gradient arena, `count` floats; on return it holds the gradients
    // every process applies (so their parameters stay equal).
    virtual void reduce(float* grads, std::size_t count) = 0;
};

}  // namespace trainctl
