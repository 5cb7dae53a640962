// ParamSet: every parameter of a net in one contiguous float arena, every gradient in
// another, laid out in declaration order with no padding. Layers keep ids (named views).
// A checkpoint is then one write per arena, and data-parallel training one allreduce.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

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
    // Declares a parameter; only before allocate(). Returns its id.
    std::size_t declare(const std::string& name, const Shape& shape);
    // Allocates the value and gradient arenas (zeroed). Called once, after all declare().
    void allocate();
    bool allocated() const { return allocated_; }

    float* value(std::size_t id) { return values_.data() + infos_[id].offset; }
    const float* value(std::size_t id) const { return values_.data() + infos_[id].offset; }
    float* grad(std::size_t id) { return grads_.data() + infos_[id].offset; }
    const float* grad(std::size_t id) const { return grads_.data() + infos_[id].offset; }

    // The whole arenas, for optimizers, checkpoints and allreduce.
    float* values() { return values_.data(); }
    const float* values() const { return values_.data(); }
    float* grads() { return grads_.data(); }
    const float* grads() const { return grads_.data(); }
    std::size_t total() const { return total_; }

    const std::vector<ParamInfo>& infos() const { return infos_; }
    // Id of a parameter by name, or -1 when absent.
    long find(const std::string& name) const;
    void zero_grad();
    // Room for `floats` more after the gradient arena (zeroed with it, never an optimizer's or a
    // checkpoint's): a data-parallel step appends its counters there and reduces both in one call.
    // Called before training; the arena may move.
    void reserve_grad_tail(std::size_t floats);

private:
    std::vector<ParamInfo> infos_;
    std::vector<float> values_;
    std::vector<float> grads_;
    std::size_t total_ = 0;
    bool allocated_ = false;
};

}  // namespace trainctl
