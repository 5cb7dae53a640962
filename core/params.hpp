// ParamSet: every parameter of a net in one contiguous float arena, every gradient in
// another, laid out in declaration order with no padding. Layers keep ids (named views).
// A checkpoint is then one write per arena, and data-parallel training one allreduce.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/aligned_allocator.hpp"
#include "core/shape.hpp"

namespace trainctl {

struct ParamInfo {
    std::string name;    // PyTorch state_dict key, e.g. "conv1.weight"
    Shape shape;         // PyTorch layout, e.g. [out,in,kh,kw]
    std::size_t offset;  // in floats, into the arena
    std::size_t size;    // in floats
};

class ParamSet {
public:
    ParamSet() = default;
    // Moves keep the arenas where they are (a vector's move keeps its buffer); a copy would share them.
    ParamSet(ParamSet&&) = default;
    ParamSet& operator=(ParamSet&&) = default;
    ParamSet(const ParamSet&) = delete;
    ParamSet& operator=(const ParamSet&) = delete;

    // Declares a parameter; only before allocate(). Returns its id.
    std::size_t declare(const std::string& name, const Shape& shape);
    // Allocates the value and gradient arenas (zeroed). Called once, after all declare().
    void allocate();
    bool allocated() const { return allocated_; }

    float* value(std::size_t id) { return values_ + infos_[id].offset; }
    const float* value(std::size_t id) const { return values_ + infos_[id].offset; }
    float* grad(std::size_t id) { return grads_ + infos_[id].offset; }
    const float* grad(std::size_t id) const { return grads_ + infos_[id].offset; }

    // The whole arenas, for optimizers, checkpoints and allreduce.
    float* values() { return values_; }
    const float* values() const { return values_; }
    float* grads() { return grads_; }
    const float* grads() const { return grads_; }
    std::size_t total() const { return total_; }
    std::size_t grad_floats() const { return grad_floats_; }  // total() and the reserved tail

    const std::vector<ParamInfo>& infos() const { return infos_; }
    // Id of a parameter by name, or -1 when absent.
    long find(const std::string& name) const;
    // Zeroes the gradients (and the reserved tail) over the engine threads, as for_rows() splits them.
    void zero_grad();
    // fn(begin, end) for chunk `chunk` of `chunks`: of every parameter, the rows (first dimension)
    // chunk_range() gives that chunk, as arena offsets. The layers split their weight grads by the
    // same output rows, so a thread updating chunk c touches the rows it just computed, still in
    // its core's cache (on 2 vCPUs, a thread updating the other's rows ran 3x slower).
    template <class F>
    void for_rows(std::size_t chunks, std::size_t chunk, F&& fn) const {
        for (const ParamInfo& p : infos_) {
            const std::size_t rows = p.shape.rank() ? p.shape[0] : 1, row = rows ? p.size / rows : 0;
            const std::size_t begin = rows * chunk / chunks, end = rows * (chunk + 1) / chunks;
            if (begin < end) fn(p.offset + begin * row, p.offset + end * row);
        }
    }
    // Room for `floats` more after the gradient arena (zeroed with it, never an optimizer's or a
    // checkpoint's): a data-parallel step appends its counters there and reduces both in one call.
    // Called before training; the arena may move.
    void reserve_grad_tail(std::size_t floats);
    // Moves both arenas into storage the caller owns and keeps alive as long as this set:
    // `values` of total() floats and `grads` of grad_floats(), the gradients copied, the values when
    // `copy_values` (false: `values` holds them already). A data-parallel run on one host places
    // them in a shared-memory window: one parameter arena for all its processes (one of them
    // copies it in), each process's gradients where the others read them.
    void place(float* values, float* grads, bool copy_values);

private:
    std::vector<ParamInfo> infos_;
    // The arenas until place(), on cache lines so that every weight row of a 784- or 512-wide
    // layer starts on one.
    std::vector<float, CacheAlignedAllocator<float>> owned_values_, owned_grads_;
    float* values_ = nullptr;
    float* grads_ = nullptr;
    std::size_t total_ = 0, grad_floats_ = 0;
    bool allocated_ = false;
};

}  // namespace trainctl
