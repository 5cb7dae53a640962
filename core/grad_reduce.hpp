// The seam for data-parallel training: after backward and before the update, the trainer hands
// the gradient arena to a GradReduce (e.g. an allreduce over processes). core/ knows no MPI:
// the run layer implements it (cmd/run/grad_reduce_local.hpp for one process, grad_reduce_mpi.hpp).
#pragma once
#include <cstddef>

#include "core/eval_result.hpp"
#include "core/optimizer.hpp"
#include "core/params.hpp"

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
    // (with ranks() > 1: its loss sum and correct count), then own_floats(). On return the counters
    // are summed over processes and the gradients are reduced for update() (a reducer may keep
    // them elsewhere). One process: called with counters 0, the gradients are already the run's.
    virtual void reduce(float* grads, std::size_t count, std::size_t counters) = 0;
    // After reduce(), when the step's global loss is finite: the update, after which every process
    // holds the same parameters. Here the whole arena's; a reducer may have each process update its
    // own shard of it and then share the new parameters.
    virtual void update(Optimizer& optimizer, ParamSet& params, float lr) { optimizer.step(params, lr); }
    // With ranks() > 1: each process scored its shard; on return `r` holds the sums over all of them.
    virtual void reduce_eval(EvalResult& /*r*/) {}
};

}  // namespace trainctl
