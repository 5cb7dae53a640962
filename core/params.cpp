// ParamSet arena bookkeeping.
#include "core/params.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/parallel.hpp"

namespace trainctl {

std::size_t ParamSet::declare(const std::string& name, const Shape& shape) {
    assert(!allocated_ && "declare() after allocate()");
    if (find(name) >= 0) throw Error("parameter \"" + name + "\" declared twice");
    infos_.push_back({name, shape, total_, shape.numel()});
    total_ += shape.numel();
    return infos_.size() - 1;
}

void ParamSet::allocate() {
    assert(!allocated_);
    require_memory(2 * total_ * sizeof(float),
                   "the net's " + std::to_string(total_) + " parameters and their gradients");
    owned_values_.assign(total_, 0.0f);
    owned_grads_.assign(total_, 0.0f);
    values_ = owned_values_.data();
    grads_ = owned_grads_.data();
    grad_floats_ = total_;
    allocated_ = true;
}

long ParamSet::find(const std::string& name) const {
    for (std::size_t i = 0; i < infos_.size(); ++i)
        if (infos_[i].name == name) return static_cast<long>(i);
    return -1;
}

void ParamSet::reserve_grad_tail(std::size_t floats) {
    assert(allocated_ && grads_ == owned_grads_.data() && "reserve_grad_tail() after place()");
    owned_grads_.resize(total_ + floats, 0.0f);
    grads_ = owned_grads_.data();
    grad_floats_ = owned_grads_.size();
}

void ParamSet::place(float* values, float* grads, bool copy_values) {
    assert(allocated_);
    if (copy_values) std::copy(values_, values_ + total_, values);
    std::copy(grads_, grads_ + grad_floats_, grads);
    values_ = values;
    grads_ = grads;
    owned_values_ = {};
    owned_grads_ = {};
}

void ParamSet::zero_grad() {
    const std::size_t chunks = chunks_for(grad_floats_, running_threads());
    parallel_for(chunks, [&](std::size_t c) {
        for_rows(chunks, c, [&](std::size_t begin, std::size_t end) { std::fill(grads_ + begin, grads_ + end, 0.0f); });
        if (c == 0) std::fill(grads_ + total_, grads_ + grad_floats_, 0.0f);  // the reserved tail
    });
}

}  // namespace trainctl
