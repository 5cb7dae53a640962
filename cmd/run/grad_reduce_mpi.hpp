// One rank of an mpirun job: the step's allreduce (gradients, counters, stop flags) done as a
// reduce-scatter and an allgather around a sharded update, and the eval sums.
#pragma once
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "core/grad_reduce.hpp"

namespace trainctl {

class MpiGradReduce final : public GradReduce {
public:
    MpiGradReduce();  // of MPI_COMM_WORLD (cmd/run/mpi_world.hpp: mpi_start ran)
    // Frees the optimizer-state windows (a collective call) when the ranks end together: normally,
    // or by an agreed stop. An error on one rank leaves them to MPI_Abort.
    ~MpiGradReduce() override;
    MpiGradReduce(const MpiGradReduce&) = delete;
    MpiGradReduce& operator=(const MpiGradReduce&) = delete;

    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return ranks_; }
    // One per stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE): how many ranks received it.
    std::size_t own_floats() const override { return kStopSlots; }
    // Each rank scaled its gradients by the global batch, so their sum is the mean gradient of the
    // whole batch. Sums this rank's shard of the gradients (MPI_Reduce_scatter) and, for every
    // rank, the counters and the ranks' stop signals (a 24-byte MPI_Iallreduce alongside).
    void reduce(float* grads, std::size_t count, std::size_t counters) override;
    // Updates this rank's shard of the parameters and of the optimizer state, then gathers every
    // rank's shard of the parameters (MPI_Allgatherv): the same bytes as the second half of a ring
    // allreduce, and 1/N of the optimizer's work on each rank.
    void update(Optimizer& optimizer, ParamSet& params, float lr) override;
    void reduce_eval(EvalResult& r) override;

    // The optimizer state is sharded like the update: each rank's copy is current in its own shard
    // only. share_state opens the other ranks' shards to rank 0 (collective: every rank calls it
    // once, after mpi_agree_setup, before the first step); gather_state, on rank 0 between steps,
    // copies them in (one-sided: the others take no part, so rank 0 saves when it decides to).
    void share_state(Optimizer& optimizer);
    void gather_state();

    // The stop every rank agreed on in the last reduce: this rank's own signal when it got one,
    // else the first signal any rank got; 0 to go on.
    int agreed_stop() const { return agreed_stop_; }
    // Time in the steps' collective calls (not eval), for the bench.
    double reduce_seconds() const { return seconds_; }
    std::uint64_t reduce_calls() const { return calls_; }
    std::size_t reduce_bytes() const { return bytes_; }  // of each step's gradients, counters and flags

private:
    static constexpr std::size_t kStopSlots = 4;
    // Splits `count` floats into ranks_ contiguous shards (once: the arena never changes size).
    void plan_shards(std::size_t count);

    std::size_t rank_ = 0, ranks_ = 1;
    int agreed_stop_ = 0;
    double seconds_ = 0;
    std::uint64_t calls_ = 0;
    std::size_t bytes_ = 0;
    std::size_t planned_ = 0;                  // the arena size the shards split
    std::vector<int> counts_, offsets_;        // shard r: floats [offsets_[r], offsets_[r] + counts_[r])
    std::vector<float> shard_grads_;           // this rank's reduced shard
    Optimizer* optimizer_ = nullptr;           // share_state's
    std::vector<MPI_Win> windows_;             // one per optimizer slot
};

}  // namespace trainctl
