// One rank of an mpirun job: the step's reduce (gradients, counters, stop flags) and the eval sums.
// The step goes one of two ways: one MPI_Allreduce, or, when every rank is on this host, ZeRO-1
// through a shared-memory window (cmd/run/shm_step.hpp).
#pragma once
#include <cstdint>
#include <memory>

#include "core/grad_reduce.hpp"

namespace trainctl {

class ShmStep;

// How the steps reduce: TRAINCTL_MPI_REDUCE=allreduce or shared; unset or empty: shared when all
// ranks share this host, else allreduce.
enum class MpiStepPath { kAllreduce, kShared };
// Reads TRAINCTL_MPI_REDUCE on this rank (before the set-up agreement: a bad value fails it).
// Throws usage_error naming the variable for a value it does not know, or "shared" for ranks on
// several hosts.
MpiStepPath mpi_step_path_from_env();

class MpiGradReduce final : public GradReduce {
public:
    MpiGradReduce();  // of MPI_COMM_WORLD (cmd/run/mpi_world.hpp: mpi_start ran)
    // Releases the shared window (a collective call) when the ranks end together: normally, or by
    // an agreed stop. An error on one rank leaves it to MPI_Abort.
    ~MpiGradReduce() override;
    MpiGradReduce(const MpiGradReduce&) = delete;
    MpiGradReduce& operator=(const MpiGradReduce&) = delete;

    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return ranks_; }
    // One per stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE): how many ranks received it.
    std::size_t own_floats() const override { return kStopSlots; }

    // Collective, after the set-up agreement and before the first step (the trainer has reserved
    // its gradient tail): the path every rank takes, `path` unless some rank asked for allreduce.
    // The shared path moves the parameters, gradients and optimizer slots into the window.
    void start_steps(MpiStepPath path, ParamSet& params, Optimizer& optimizer);
    bool shared() const { return shm_ != nullptr; }

    // Each rank scaled its gradients by the global batch, so their sum is the mean gradient of the
    // whole batch; this rank's stop signal goes out with them. Allreduce: every rank gets all of
    // it. Shared: every rank gets the summed counters and flags; update() sums the gradients.
    void reduce(float* grads, std::size_t count, std::size_t counters) override;
    // Allreduce: the whole update on every rank. Shared: this rank's shard of the gradients summed
    // over the ranks and applied to its shard of the one parameter arena and of its slots.
    void update(Optimizer& optimizer, ParamSet& params, float lr) override;
    void reduce_eval(EvalResult& r) override;
    // Rank 0 before a save: on the shared path its optimizer slots are current in its shard only,
    // so this copies the other ranks' shards in (one-sided: they take no part). Else nothing.
    void gather_state();

    // The stop every rank agreed on in the last reduce: this rank's own signal when it got one,
    // else the first signal any rank got; 0 to go on.
    int agreed_stop() const { return agreed_stop_; }
    // Time in the steps' communication (not eval), for the bench: the allreduce, or the shared
    // path's barriers, sums and copies.
    double reduce_seconds() const;
    std::uint64_t reduce_calls() const { return calls_; }
    std::size_t reduce_bytes() const { return bytes_; }  // of each step's gradients, counters and flags

private:
    static constexpr std::size_t kStopSlots = 4;
    std::size_t rank_ = 0, ranks_ = 1;
    int agreed_stop_ = 0;
    double seconds_ = 0;
    std::uint64_t calls_ = 0;
    std::size_t bytes_ = 0;
    std::unique_ptr<ShmStep> shm_;
};

}  // namespace trainctl
