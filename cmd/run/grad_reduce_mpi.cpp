// The data-parallel step's reduce (one MPI_Allreduce, or ZeRO-1 through shared memory), and the
// sharded evaluation's exact sums.
#include "cmd/run/grad_reduce_mpi.hpp"

#include <mpi.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cmd/run/mpi_world.hpp"
#include "cmd/run/shm_step.hpp"
#include "cmd/run/signals.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {
constexpr std::array<int, 4> kStopSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
constexpr const char* kPathVariable = "TRAINCTL_MPI_REDUCE";
}  // namespace

MpiStepPath mpi_step_path_from_env() {
    const char* v = std::getenv(kPathVariable);
    const std::string value = v ? v : "";
    const bool one_host = mpi_local_size() == mpi_size();
    if (value.empty()) return one_host ? MpiStepPath::kShared : MpiStepPath::kAllreduce;
    if (value == "allreduce") return MpiStepPath::kAllreduce;
    if (value != "shared")
        throw usage_error(std::string(kPathVariable) + ": expected allreduce or shared (or unset), got \"" + value + "\"");
    if (!one_host)
        throw usage_error(std::string(kPathVariable) + "=shared: only " + std::to_string(mpi_local_size()) + " of the " +
                          std::to_string(mpi_size()) +
                          " ranks share this host's memory; the shared path needs all of them on one host");
    return MpiStepPath::kShared;
}

MpiGradReduce::MpiGradReduce() {
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
}

MpiGradReduce::~MpiGradReduce() {
    if (!shm_) return;
    // A rank failing alone is aborted (mpi_finish): a collective call now could wait for a rank
    // that is inside the next step and never comes.
    if (std::uncaught_exceptions() > 0 && !mpi_exit_is_agreed()) return;
    // Rank 0 comes here after its last save (which read the others' slots): they wait for it here.
    shm_->free();
}

void MpiGradReduce::start_steps(MpiStepPath path, ParamSet& params, Optimizer& optimizer) {
    // One rank's "allreduce" (its environment differs) takes every rank there.
    const bool shared = mpi_min(path == MpiStepPath::kShared ? 1 : 0) == 1;
    if (shared) shm_ = std::make_unique<ShmStep>(params, optimizer, params.grad_floats() - params.total());
}

void MpiGradReduce::reduce(float* grads, std::size_t count, std::size_t counters) {
    float* stops = grads + count + counters;
    const int own = stop_signal();
    for (std::size_t i = 0; i < kStopSlots; ++i) stops[i] = kStopSignals[i] == own ? 1.0f : 0.0f;
    if (shm_) {
        shm_->reduce();
    } else {
        const auto t0 = std::chrono::steady_clock::now();
        // The one collective call of a step; MPI_IN_PLACE: no copy, no allocation.
        MPI_Allreduce(MPI_IN_PLACE, grads, static_cast<int>(count + counters + kStopSlots), MPI_FLOAT, MPI_SUM,
                      MPI_COMM_WORLD);
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    ++calls_;
    bytes_ = (count + counters + kStopSlots) * sizeof(float);
    agreed_stop_ = 0;
    for (std::size_t i = 0; i < kStopSlots && !agreed_stop_; ++i)
        if (stops[i] > 0) agreed_stop_ = kStopSignals[i];
    if (own && agreed_stop_) agreed_stop_ = own;
}

void MpiGradReduce::update(Optimizer& optimizer, ParamSet& params, float lr) {
    if (shm_) shm_->update(optimizer, params, lr);
    else optimizer.step(params, lr);
}

void MpiGradReduce::gather_state() {
    if (shm_) shm_->gather_slots();
}

double MpiGradReduce::reduce_seconds() const { return seconds_ + (shm_ ? shm_->seconds() : 0.0); }

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
