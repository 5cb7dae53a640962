// The seam for data-parallel training: after backward and before the update, the trainer hands
// the gradient arena to a GradReduce (e.g. an allreduce over processes). core/ knows no MPI:
// the run layer implements it (cmd/run/grad_reduce_local.hpp for one process, grad_reduce_mpi.hpp).
#pragma once
#include <cstddef>

#include "core/eval_result.hpp"

namespace trainctl {

class GradReduce {
public:
    virtual ~GradReduce() = default;
    // This process's share of the work: ranks() > 1 makes the trainer take slice rank() of each
    // step's global batch (contiguous, same global order) and scale its gradients by the global batch.
    virtual std::size_t rank() const { return 0; }
    virtual std::size_t ranks() const { return 1; }
    // Floats the reducer appends for itself after the step's counters (e.g. a stop flag).
    virtual std::size_t own_floats() const { return 0; }
    // `grads`: the contiguous gradient arena, `count` floats, then `counters` floats of the step
    // (with ranks() > 1: its loss sum and correct count), then own_floats(). On return the gradients
    // are those every process applies (so their parameters stay equal) and the counters are summed
    // over processes. One process: called with counters 0, the gradients are already the run's.
    virtual void reduce(float* grads, std::size_t count, std::size_t counters) = 0;
    // With ranks() > 1: each process scored its shard; on return `r` holds the sums over all of them.
    virtual void reduce_eval(EvalResult& /*r*/) {}
};

}  // namespace trainctl
