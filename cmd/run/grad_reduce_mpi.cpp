// The data-parallel step's one MPI_Allreduce, and the sharded evaluation's exact sums.
#include "cmd/run/grad_reduce_mpi.hpp"

#include <mpi.h>

#include <array>
#include <chrono>
#include <csignal>
#include <vector>

#include "cmd/run/signals.hpp"

namespace trainctl {

namespace {
constexpr std::array<int, 4> kStopSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
}

MpiGradReduce::MpiGradReduce() {
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
}

void MpiGradReduce::reduce(float* grads, std::size_t count, std::size_t counters) {
    float* stops = grads + count + counters;
    const int own = stop_signal();
    for (std::size_t i = 0; i < kStopSlots; ++i) stops[i] = kStopSignals[i] == own ? 1.0f : 0.0f;
    const auto t0 = std::chrono::steady_clock::now();
    // The one collective call of a step; MPI_IN_PLACE: no copy, no allocation.
    MPI_Allreduce(MPI_IN_PLACE, grads, static_cast<int>(count + counters + kStopSlots), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++calls_;
    bytes_ = (count + counters + kStopSlots) * sizeof(float);
    agreed_stop_ = 0;
    for (std::size_t i = 0; i < kStopSlots && !agreed_stop_; ++i)
        if (stops[i] > 0) agreed_stop_ = kStopSignals[i];
    if (own && agreed_stop_) agreed_stop_ = own;
}

void MpiGradReduce::reduce_eval(EvalResult& r) {
    // Doubles hold every count exactly (below 2^53); the loss sums add in double.
    // Once per evaluation, not per step: the vector may allocate.
    std::vector<double> sums(3 + r.confusion.counts.size());
    sums[0] = r.loss_sum;
    sums[1] = static_cast<double>(r.correct);
    sums[2] = static_cast<double>(r.count);
    for (std::size_t i = 0; i < r.confusion.counts.size(); ++i) sums[3 + i] = static_cast<double>(r.confusion.counts[i]);
    MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    r.loss_sum = sums[0];
    r.correct = static_cast<std::uint64_t>(sums[1]);
    r.count = static_cast<std::size_t>(sums[2]);
    for (std::size_t i = 0; i < r.confusion.counts.size(); ++i)
        r.confusion.counts[i] = static_cast<std::uint64_t>(sums[3 + i]);
    finish_eval(r);
}

}  // namespace trainctl
