// ZeRO-1 through an MPI-3 shared-memory window: the ranks of one host read each other's arenas.
#include "cmd/run/shm_step.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/error.hpp"

namespace trainctl {

namespace {
constexpr std::size_t kAlign = 16;    // floats: 64 bytes, a cache line, between the parts and shards
constexpr std::size_t kBlock = 2048;  // floats of summed gradients handed to the optimizer at once: 8 KiB, in L1
std::size_t aligned(std::size_t floats) { return (floats + kAlign - 1) / kAlign * kAlign; }
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

// A rank's section of the window, in floats: its gradients and their tail (the trainer's counters
// and stop flags), the tail as posted for the others, its optimizer slots; rank 0's then the
// parameters of all.
ShmStep::ShmStep(ParamSet& params, Optimizer& optimizer, std::size_t tail) {
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
    total_ = params.total();
    tail_ = tail;
    slot_count_ = optimizer.slot_count();
    posted_at_ = aligned(params.grad_floats());
    slots_at_ = posted_at_ + aligned(tail_);
    values_at_ = aligned(slots_at_ + slot_count_ * total_);
    const std::size_t floats = values_at_ + (rank_ == 0 ? total_ : 0);
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
                    " bytes failed (TRAINCTL_MPI_REDUCE=allreduce steps without shared memory)");
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
    // Shard boundaries on cache lines: no line holds two ranks' shards.
    shard_.resize(ranks_ + 1);
    for (std::size_t r = 0; r < ranks_; ++r) shard_[r] = total_ * r / ranks_ / kAlign * kAlign;
    shard_[ranks_] = total_;
    block_.assign(kBlock, 0.0f);
    parts_.assign(ranks_, nullptr);
    // Every rank holds the same parameters here (the same initialisation or checkpoint): rank 0's
    // become the one arena of all.
    params.place(bases_[0] + values_at_, grads(rank_), rank_ == 0);
    if (slot_count_) optimizer.place_slots(slot(rank_, 0));
    own_tail_ = grads(rank_) + total_;
    sync();  // the arenas in place before any rank reads them
}

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
    // After this barrier every rank's gradients and posted tail are written, and no rank writes
    // them again before the barrier in update() (after a non-finite loss, before the run ends).
    // Nor does any rank write the parameters before it passes it: its forward and backward, which
    // read them, are done.
    sync();
    for (std::size_t i = 0; i < tail_; ++i) {
        float s = posted(0)[i];
        for (std::size_t r = 1; r < ranks_; ++r) s += posted(r)[i];
        own_tail_[i] = s;
    }
    seconds_ += seconds_since(t0);
}

void ShmStep::update(Optimizer& optimizer, ParamSet& params, float lr) {
    optimizer.count_step();
    float* sum = block_.data();
    for (std::size_t begin = shard_[rank_], end = shard_[rank_ + 1]; begin < end; begin += kBlock) {
        const std::size_t n = std::min(kBlock, end - begin);
        for (std::size_t r = 0; r < ranks_; ++r) parts_[r] = grads(r) + begin;
        // Summed in rank order (bit-identical reruns at the same N), where the gradients lie.
        for (std::size_t i = 0; i < n; ++i) sum[i] = parts_[0][i] + parts_[1][i];
        for (std::size_t r = 2; r < ranks_; ++r)
            for (std::size_t i = 0; i < n; ++i) sum[i] += parts_[r][i];
        optimizer.update_range(params, lr, begin, begin + n, sum);
    }
    const auto t0 = Clock::now();
    // After this barrier every rank has read every gradient and written its shard of the
    // parameters: a rank's next zero_grad and backward cannot overwrite gradients a slower rank
    // is still summing, and its next forward reads the whole step's parameters.
    sync();
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
