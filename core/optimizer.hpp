// Optimizers over the parameter arena. Their state is explicit data: named slots, each one arena
// parallel to the parameters, plus a step count, so a checkpoint saves them as is.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/optimizer_spec.hpp"
#include "core/params.hpp"

namespace trainctl {

class Optimizer {
public:
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;
    // One update of every parameter with learning rate lr; increments step_count().
    // sgd:      p -= lr * (g + wd*p)
    // momentum: v = m*v + g';  p -= lr*v   (nesterov: p -= lr*(g' + m*v))   [PyTorch, MindSpore]
    // adam:     PyTorch Adam with bias correction, L2 weight decay added to g.
    // Split over the engine threads by ParamSet::for_rows(): elementwise, so the same floats at
    // any thread count.
    void step(ParamSet& params, float lr);
    // A step in parts: count_step() once, then update_range() over ranges that together cover
    // what the step updates. Elementwise, so a data-parallel rank that updates its shard, block by
    // block, computes exactly the floats a whole-arena step would (ZeRO-1).
    void count_step() { ++step_count_; }
    // The update of parameters [begin, end) and of their slots for step step_count(), their
    // gradients at grads[0, end - begin).
    virtual void update_range(ParamSet& params, float lr, std::size_t begin, std::size_t end, const float* grads) = 0;
    // Slot names in a fixed order: sgd {}, momentum {"momentum"}, adam {"exp_avg","exp_avg_sq"}.
    virtual std::vector<std::string> slot_names() const = 0;
    std::size_t slot_count() const { return slot_count_; }
    // Slot arena i (< slot_count()): total floats laid out like the parameter arena.
    float* slot(std::size_t i) { return slots_ + i * total_; }
    const float* slot(std::size_t i) const { return slots_ + i * total_; }
    // Moves every slot into storage the caller owns and keeps alive as long as this optimizer
    // (slot_count() * total floats, slot i at i * total), their contents copied: a data-parallel run
    // on one host places them in shared memory, where rank 0 reads the other ranks' shards to save.
    void place_slots(float* storage);
    std::uint64_t step_count() const { return step_count_; }
    void set_step_count(std::uint64_t n) { step_count_ = n; }
    const OptimizerSpec& spec() const { return spec_; }

protected:
    Optimizer(const OptimizerSpec& spec, std::size_t slot_count, std::size_t total);
    OptimizerSpec spec_;
    std::uint64_t step_count_ = 0;

private:
    std::size_t slot_count_, total_;
    std::vector<float, CacheAlignedAllocator<float>> owned_;  // the slots until place_slots()
    float* slots_;
};

// Builds the optimizer named by spec.type for an arena of `total` floats; throws usage_error
// naming "optimizer" for an unknown type.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::size_t total);

}  // namespace trainctl
