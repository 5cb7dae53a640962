// The data-parallel step of ranks that share one host, as ZeRO-1 over an MPI-3 shared-memory window
// (MPI_Win_allocate_shared): no gradient travels, each rank sums and updates its shard reading the
// others' arenas where they lie, then copies the others' updated shards of the parameters.
#pragma once
#include <mpi.h>

#include <cstddef>
#include <vector>

#include "core/optimizer.hpp"
#include "core/params.hpp"

namespace trainctl {

class ShmStep {
public:
    // Collective over MPI_COMM_WORLD, whose ranks must all share this host's memory: allocates this
    // rank's section of the window and moves the parameter and gradient arenas (with the gradient
    // tail of `tail` floats: the step's counters and stop flags) and the optimizer's slots into it.
    ShmStep(ParamSet& params, Optimizer& optimizer, std::size_t tail);
    ~ShmStep();  // only the memory: free() is the collective release
    ShmStep(const ShmStep&) = delete;
    ShmStep& operator=(const ShmStep&) = delete;

    // Step, first half. Every rank has its gradients and tail in its own arena. After one barrier
    // each rank sums, in rank order, every rank's tail into its own and every rank's gradients of
    // its shard into a private buffer (what update() applies).
    void reduce();
    // Step, second half (only after a finite loss): the optimizer's update of this rank's shard of
    // the parameters and slots, a barrier, and the other ranks' updated shards copied in.
    void update(Optimizer& optimizer, ParamSet& params, float lr);
    // Rank 0 before a save, between steps: the other ranks' shards of the optimizer slots copied
    // into its own, so its slots are whole.
    void gather_slots();
    // Collective: releases the window (every rank, after rank 0's last save). The parameters and
    // slots then point at freed memory: nothing may use them after it.
    void free();
    // Seconds so far in reduce() and in update()'s barrier and copies (not the optimizer's
    // arithmetic): the step's communication, for the run's cost line.
    double seconds() const { return seconds_; }

private:
    // A point where every rank has made its writes to the window visible and seen the others'.
    void sync();
    float* values(std::size_t rank) const { return bases_[rank]; }
    float* grads(std::size_t rank) const { return bases_[rank] + grads_at_; }
    float* posted(std::size_t rank) const { return bases_[rank] + posted_at_; }
    float* slot(std::size_t rank, std::size_t s) const { return bases_[rank] + slots_at_ + s * total_; }

    std::size_t rank_ = 0, ranks_ = 1;
    std::size_t total_ = 0, tail_ = 0, slot_count_ = 0;
    std::size_t grads_at_ = 0, posted_at_ = 0, slots_at_ = 0;  // offsets in floats into a section
    std::vector<float*> bases_;        // every rank's section, mapped into this process
    std::vector<std::size_t> shard_;   // rank r's shard of the arena: [shard_[r], shard_[r + 1])
    std::vector<float> sum_;           // this rank's shard of the summed gradients
    float* own_tail_ = nullptr;        // the trainer's counters and flags after the gradients
    double seconds_ = 0;
    MPI_Win win_ = MPI_WIN_NULL;
};

}  // namespace trainctl
