// The data-parallel step's allreduce as reduce-scatter, sharded update and allgather (ZeRO-1),
// rank 0's one-sided gather of the optimizer state for its saves, and the sharded evaluation's sums.
#include "cmd/run/grad_reduce_mpi.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <exception>

#include "cmd/run/mpi_world.hpp"
#include "cmd/run/signals.hpp"

namespace trainctl {

namespace {
constexpr std::array<int, 4> kStopSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

MpiGradReduce::MpiGradReduce() {
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
}

MpiGradReduce::~MpiGradReduce() {
    if (windows_.empty()) return;
    // A rank failing alone is aborted (mpi_finish): a collective call now could wait for a rank
    // that is inside the next step's reduce and never comes.
    if (std::uncaught_exceptions() > 0 && !mpi_exit_is_agreed()) return;
    // Rank 0 comes here after its last save; the others wait for it before their state goes away.
    MPI_Barrier(MPI_COMM_WORLD);
    for (MPI_Win& w : windows_) MPI_Win_free(&w);
}

void MpiGradReduce::plan_shards(std::size_t count) {
    if (planned_ == count && !counts_.empty()) return;
    planned_ = count;
    counts_.assign(ranks_, 0);
    offsets_.assign(ranks_, 0);
    for (std::size_t r = 0; r < ranks_; ++r) {
        offsets_[r] = static_cast<int>(count * r / ranks_);
        counts_[r] = static_cast<int>(count * (r + 1) / ranks_) - offsets_[r];
    }
    shard_grads_.assign(static_cast<std::size_t>(counts_[rank_]), 0.0f);
}

void MpiGradReduce::reduce(float* grads, std::size_t count, std::size_t counters) {
    plan_shards(count);  // allocates on the first step only
    float* tail = grads + count;
    float* stops = tail + counters;
    const int own = stop_signal();
    for (std::size_t i = 0; i < kStopSlots; ++i) stops[i] = kStopSignals[i] == own ? 1.0f : 0.0f;
    const auto t0 = Clock::now();
    // Every rank needs the loss (finite or not) and the stop flags before it updates anything: the
    // 24 bytes travel while the reduce-scatter runs (its waiting progresses them), so the step
    // still meets the other ranks once here, not twice.
    MPI_Request tail_sum = MPI_REQUEST_NULL;
    MPI_Iallreduce(MPI_IN_PLACE, tail, static_cast<int>(counters + kStopSlots), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD,
                   &tail_sum);
    // With two ranks each sum is a + b, as the allreduce's; with more, a fixed order per N.
    MPI_Reduce_scatter(grads, shard_grads_.data(), counts_.data(), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Wait(&tail_sum, MPI_STATUS_IGNORE);
    seconds_ += seconds_since(t0);
    ++calls_;
    bytes_ = (count + counters + kStopSlots) * sizeof(float);
    agreed_stop_ = 0;
    for (std::size_t i = 0; i < kStopSlots && !agreed_stop_; ++i)
        if (stops[i] > 0) agreed_stop_ = kStopSignals[i];
    if (own && agreed_stop_) agreed_stop_ = own;
}

void MpiGradReduce::update(Optimizer& optimizer, ParamSet& params, float lr) {
    const auto begin = static_cast<std::size_t>(offsets_[rank_]);
    optimizer.step_shard(params, lr, begin, begin + static_cast<std::size_t>(counts_[rank_]), shard_grads_.data());
    const auto t0 = Clock::now();
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, params.values(), counts_.data(), offsets_.data(), MPI_FLOAT,
                   MPI_COMM_WORLD);
    seconds_ += seconds_since(t0);
}

void MpiGradReduce::share_state(Optimizer& optimizer) {
    optimizer_ = &optimizer;
    const std::size_t slots = optimizer.slot_names().size();
    windows_.assign(slots, MPI_WIN_NULL);
    for (std::size_t s = 0; s < slots; ++s) {
        std::vector<float>& slot = optimizer.slot(s);
        MPI_Win_create(slot.data(), static_cast<MPI_Aint>(slot.size() * sizeof(float)), sizeof(float), MPI_INFO_NULL,
                       MPI_COMM_WORLD, &windows_[s]);
    }
}

void MpiGradReduce::gather_state() {
    if (windows_.empty() || counts_.empty()) return;  // no slots, or no step yet: nothing differs
    // Between rank 0's steps every other rank has updated its shard for the last step (its part of
    // the allgather came after) and cannot touch it again before rank 0 joins the next reduce.
    for (std::size_t s = 0; s < windows_.size(); ++s) {
        float* slot = optimizer_->slot(s).data();
        for (std::size_t r = 0; r < ranks_; ++r) {
            if (r == rank_) continue;
            MPI_Win_lock(MPI_LOCK_SHARED, static_cast<int>(r), 0, windows_[s]);
            MPI_Get(slot + offsets_[r], counts_[r], MPI_FLOAT, static_cast<int>(r), offsets_[r], counts_[r], MPI_FLOAT,
                    windows_[s]);
            MPI_Win_unlock(static_cast<int>(r), windows_[s]);
        }
    }
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
