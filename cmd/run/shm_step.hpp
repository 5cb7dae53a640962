// The data-parallel step of ranks that share one host, as ZeRO-1 over an MPI-3 shared-memory window
// (MPI_Win_allocate_shared): no gradient travels and no parameter is copied. The ranks hold one
// parameter arena; each sums its shard of the gradients reading the others' arenas where they lie,
// and updates that shard of the parameters and of its optimizer slots.
#pragma once
#include <mpi.h>

#include <cstddef>
#include <vector>

#include "core/optimizer.hpp"
#include "core/params.hpp"

namespace trainctl {

class ShmStep {
public:
    // Collective over MPI_COMM_WORLD, whose ranks must all share this host's memory: allocates the
    // window and moves the parameters (one arena for all ranks, rank 0's copy), this rank's
    // gradients (with the tail of `tail` floats after them: the step's counters and stop flags)
    // and its optimizer slots into it.
    ShmStep(ParamSet& params, Optimizer& optimizer, std::size_t tail);
    ShmStep(const ShmStep&) = delete;
    ShmStep& operator=(const ShmStep&) = delete;

    // Step, first half: after one barrier, every rank's tail summed in rank order into this one's
    // (the trainer reads the loss and the stop flags there).
    void reduce();
    // Step, second half (after a finite loss): this rank's shard of the gradients summed over the
    // ranks in rank order, block by block, each block applied at once by the optimizer to the
    // shard's parameters and slots; then a barrier, after which every rank sees all the new
    // parameters.
    void update(Optimizer& optimizer, ParamSet& params, float lr);
    // Rank 0 before a save, between steps: the other ranks' shards of the optimizer slots copied
    // into its own, so its slots are whole.
    void gather_slots();
    // Collective: releases the window (every rank, after rank 0's last save). The parameters and
    // slots then point at freed memory: nothing may use them after it.
    void free();
    // Seconds so far in reduce() and in update()'s barrier (the waits and the tails; not the sums
    // and the optimizer's arithmetic), for the run's cost line.
    double seconds() const { return seconds_; }

private:
    // A point where every rank has made its writes to the window visible and seen the others'.
    void sync();
    float* grads(std::size_t rank) const { return bases_[rank]; }
    float* posted(std::size_t rank) const { return bases_[rank] + posted_at_; }
    float* slot(std::size_t rank, std::size_t s) const { return bases_[rank] + slots_at_ + s * total_; }

    std::size_t rank_ = 0, ranks_ = 1;
    std::size_t total_ = 0, tail_ = 0, slot_count_ = 0;
    std::size_t posted_at_ = 0, slots_at_ = 0, values_at_ = 0;  // offsets in floats into a section
    std::vector<float*> bases_;          // every rank's section, mapped into this process
    std::vector<std::size_t> shard_;     // rank r's shard of the arena: [shard_[r], shard_[r + 1])
    std::vector<float> block_;           // a block of the shard's summed gradients
    std::vector<const float*> parts_;    // the ranks' gradients of the block being summed
    float* own_tail_ = nullptr;          // the trainer's counters and flags after the gradients
    double seconds_ = 0;
    MPI_Win win_ = MPI_WIN_NULL;
};

}  // namespace trainctl
