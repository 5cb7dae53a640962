// One rank of an mpirun job: the step's one MPI_Allreduce (gradients, counters, stop flags) and the eval sums.
#pragma once
#include <cstdint>

#include "core/grad_reduce.hpp"

namespace trainctl {

class MpiGradReduce final : public GradReduce {
public:
    MpiGradReduce();  // of MPI_COMM_WORLD (cmd/run/mpi_world.hpp: mpi_start ran)
    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return ranks_; }
    // One per stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE): how many ranks received it.
    std::size_t own_floats() const override { return kStopSlots; }
    // Sums over ranks in place. Each rank scaled its gradients by the global batch, so the sum is
    // the mean gradient of the whole batch; this rank's stop signal goes out with them.
    void reduce(float* grads, std::size_t count, std::size_t counters) override;
    void reduce_eval(EvalResult& r) override;

    // The stop every rank agreed on in the last reduce: this rank's own signal when it got one,
    // else the first signal any rank got; 0 to go on.
    int agreed_stop() const { return agreed_stop_; }
    // Time in MPI_Allreduce of the steps (not eval), for the bench.
    double reduce_seconds() const { return seconds_; }
    std::uint64_t reduce_calls() const { return calls_; }
    std::size_t reduce_bytes() const { return bytes_; }  // of each step's allreduce

private:
    static constexpr std::size_t kStopSlots = 4;
    std::size_t rank_ = 0, ranks_ = 1;
    int agreed_stop_ = 0;
    double seconds_ = 0;
    std::uint64_t calls_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace trainctl
