// ZeRO-1 through an MPI-3 shared-memory window: the ranks of one host read each other's arenas.
#include "cmd/run/shm_step.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/error.hpp"

namespace trainctl {

namespace {
constexpr std::size_t kAlign = 16;  // floats: 64 bytes, a cache line, between the parts and shards
std::size_t aligned(std::size_t floats) { return (floats + kAlign - 1) / kAlign * kAlign; }
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

// A rank's section of the window, in floats: its parameters, its gradients and their tail (the
// trainer's counters and stop flags), the tail as posted for the others, its optimizer slots.
ShmStep::ShmStep(ParamSet& params, Optimizer& optimizer, std::size_t tail) {
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
    total_ = params.total();
    tail_ = tail;
    slot_count_ = optimizer.slot_count();
    grads_at_ = aligned(total_);
    posted_at_ = grads_at_ + aligned(params.grad_floats());
    slots_at_ = posted_at_ + aligned(tail_);
    const std::size_t floats = slots_at_ + slot_count_ * total_;
    // Each rank's section on pages of its own (first touched by it: on its NUMA node).
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true");
    float* mine = nullptr;
    const int rc = MPI_Win_allocate_shared(static_cast<MPI_Aint>(floats * sizeof(float)), sizeof(float), info,
                                           MPI_COMM_WORLD, &mine, &win_);
    MPI_Info_free(&info);
    if (rc != MPI_SUCCESS)
        throw Error("MPI_Win_allocate_shared of " + std::to_string(floats * sizeof(float)) +
                    " bytes failed (set TRAINCTL_MPI_REDUCE=allreduce to step without shared memory)");
    bases_.resize(ranks_);
    for (std::size_t r = 0; r < ranks_; ++r) {
        MPI_Aint bytes = 0;
        int unit = 0;
        void* base = nullptr;
        MPI_Win_shared_query(win_, static_cast<int>(r), &bytes, &unit, &base);
        bases_[r] = static_cast<float*>(base);
    }
    // One passive-target epoch for the whole run: MPI_Win_sync (the memory barrier of the MPI-3
    // shared-memory model) needs one open.
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
    // Shard boundaries on cache lines: a rank's writes never share a line with another's shard.
    shard_.resize(ranks_ + 1);
    for (std::size_t r = 0; r < ranks_; ++r) shard_[r] = total_ * r / ranks_ / kAlign * kAlign;
    shard_[ranks_] = total_;
    sum_.assign(shard_[rank_ + 1] - shard_[rank_], 0.0f);
    params.place(values(rank_), grads(rank_));
    if (slot_count_) optimizer.place_slots(slot(rank_, 0));
    own_tail_ = grads(rank_) + total_;
    sync();  // every rank's arenas in place before any reads them
}

ShmStep::~ShmStep() = default;

void ShmStep::free() {
    if (win_ == MPI_WIN_NULL) return;
    MPI_Win_unlock_all(win_);
    MPI_Win_free(&win_);
}

void ShmStep::sync() {
    MPI_Win_sync(win_);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_sync(win_);
}

void ShmStep::reduce() {
    const auto t0 = Clock::now();
    // The trainer's tail stays this rank's own (it reads the sums there); the others read a copy.
    std::memcpy(posted(rank_), own_tail_, tail_ * sizeof(float));
    sync();
    // Every rank's gradients and posted tail are written, and no rank writes them again before the
    // barrier in update() (or, after a non-finite loss, before the run ends): read them in place.
    for (std::size_t i = 0; i < tail_; ++i) {
        float s = posted(0)[i];
        for (std::size_t r = 1; r < ranks_; ++r) s += posted(r)[i];
        own_tail_[i] = s;
    }
    // This rank's shard, summed in rank order (bit-identical reruns at the same N).
    const std::size_t begin = shard_[rank_], n = sum_.size();
    float* sum = sum_.data();
    const float* first = grads(0) + begin;
    const float* second = grads(1) + begin;
    for (std::size_t i = 0; i < n; ++i) sum[i] = first[i] + second[i];
    for (std::size_t r = 2; r < ranks_; ++r) {
        const float* more = grads(r) + begin;
        for (std::size_t i = 0; i < n; ++i) sum[i] += more[i];
    }
    seconds_ += seconds_since(t0);
}

void ShmStep::update(Optimizer& optimizer, ParamSet& params, float lr) {
    optimizer.step_range(params, lr, shard_[rank_], shard_[rank_ + 1], sum_.data());
    const auto t0 = Clock::now();
    // After this barrier every rank has read every gradient (its reduce() is done) and written its
    // shard of the parameters. So a rank's next zero_grad and backward cannot overwrite gradients a
    // slower rank is still summing, and the shards copied below are final. A rank writes its shard
    // of the parameters again only in the next update(), after the next step's barrier in reduce(),
    // which it passes only once every rank has finished copying: no copy reads a half-written shard.
    sync();
    float* mine = values(rank_);
    for (std::size_t r = 0; r < ranks_; ++r)
        if (r != rank_)
            std::memcpy(mine + shard_[r], values(r) + shard_[r], (shard_[r + 1] - shard_[r]) * sizeof(float));
    seconds_ += seconds_since(t0);
}

void ShmStep::gather_slots() {
    // Between rank 0's steps the others have updated their shards of the slots for the last step
    // (before that step's second barrier) and write them again only after the next step's first
    // barrier, which waits for rank 0: the shards are still and complete.
    for (std::size_t s = 0; s < slot_count_; ++s)
        for (std::size_t r = 0; r < ranks_; ++r)
            if (r != rank_)
                std::memcpy(slot(rank_, s) + shard_[r], slot(r, s) + shard_[r],
                            (shard_[r + 1] - shard_[r]) * sizeof(float));
}

}  // namespace trainctl
