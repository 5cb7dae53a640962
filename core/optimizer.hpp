// Optimizers over the whole parameter arena. Their state is explicit data: named slots, each
// one arena parallel to the parameters, plus a step count, so a checkpoint saves them as is.
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
    // One update of every parameter with learning rate lr; increments step_count().
    // sgd:      p -= lr * (g + wd*p)
    // momentum: v = m*v + g';  p -= lr*v   (nesterov: p -= lr*(g' + m*v))   [PyTorch, MindSpore]
    // adam:     PyTorch Adam with bias correction, L2 weight decay added to g.
    virtual void step(ParamSet& params, float lr) = 0;
    // Slot names in a fixed order: sgd {}, momentum {"momentum"}, adam {"exp_avg","exp_avg_sq"}.
    virtual std::vector<std::string> slot_names() const = 0;
    // Slot arena i: ParamSet::total() floats laid out like the parameter arena.
    virtual std::vector<float>& slot(std::size_t i) = 0;
    std::uint64_t step_count() const { return step_count_; }
    void set_step_count(std::uint64_t n) { step_count_ = n; }
    const OptimizerSpec& spec() const { return spec_; }

protected:
    explicit Optimizer(const OptimizerSpec& spec) : spec_(spec) {}
    OptimizerSpec spec_;
    std::uint64_t step_count_ = 0;
};

// Builds the optimizer named by spec.type for an arena of `total` floats; throws usage_error
// naming "optimizer" for an unknown type.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::size_t total);

}  // namespace trainctl
