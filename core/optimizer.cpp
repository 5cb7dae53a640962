// SGD, Momentum and Adam, each one loop over a contiguous range of the parameter arena.
#include "core/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/parallel.hpp"

namespace trainctl {

Optimizer::Optimizer(const OptimizerSpec& spec, std::size_t slot_count, std::size_t total)
    : spec_(spec), slot_count_(slot_count), total_(total), owned_(slot_count * total, 0.0f), slots_(owned_.data()) {}

void Optimizer::step(ParamSet& params, float lr) {
    count_step();
    const float* grads = params.grads();
    const std::size_t chunks = chunks_for(params.total(), running_threads());
    parallel_for(chunks, [&](std::size_t c) {
        params.for_rows(chunks, c,
                        [&](std::size_t begin, std::size_t end) { update_range(params, lr, begin, end, grads + begin); });
    });
}

void Optimizer::place_slots(float* storage) {
    std::copy(owned_.begin(), owned_.end(), storage);
    slots_ = storage;
    owned_ = {};
}

namespace {

class Sgd final : public Optimizer {
public:
    explicit Sgd(const OptimizerSpec& spec) : Optimizer(spec, 0, 0) {}
    void update_range(ParamSet& params, float lr, std::size_t begin, std::size_t end, const float* g) override {
        float* p = params.values() + begin;
        const float wd = spec_.weight_decay;
        for (std::size_t i = 0, n = end - begin; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
    }
    std::vector<std::string> slot_names() const override { return {}; }
};

class Momentum final : public Optimizer {
public:
    Momentum(const OptimizerSpec& spec, std::size_t total) : Optimizer(spec, 1, total) {}
    void update_range(ParamSet& params, float lr, std::size_t begin, std::size_t end, const float* g) override {
        float* p = params.values() + begin;
        float* v = slot(0) + begin;
        const float m = spec_.momentum, wd = spec_.weight_decay;
        const std::size_t n = end - begin;
        if (spec_.nesterov) {
            for (std::size_t i = 0; i < n; ++i) {
                float gi = g[i] + wd * p[i];
                v[i] = m * v[i] + gi;
                p[i] -= lr * (gi + m * v[i]);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = m * v[i] + (g[i] + wd * p[i]);
                p[i] -= lr * v[i];
            }
        }
    }
    std::vector<std::string> slot_names() const override { return {"momentum"}; }
};

class Adam final : public Optimizer {
public:
    Adam(const OptimizerSpec& spec, std::size_t total) : Optimizer(spec, 2, total) {}
    void update_range(ParamSet& params, float lr, std::size_t begin, std::size_t end, const float* g) override {
        float* p = params.values() + begin;
        float* m = slot(0) + begin;
        float* v = slot(1) + begin;
        const float b1 = spec_.beta1, b2 = spec_.beta2, eps = spec_.eps, wd = spec_.weight_decay;
        // Bias corrections in double, folded as torch.optim.Adam does (non-capturable path).
        const double t = static_cast<double>(step_count_);
        const double bias1 = 1.0 - std::pow(static_cast<double>(b1), t);
        const double bias2 = 1.0 - std::pow(static_cast<double>(b2), t);
        const float step_size = static_cast<float>(lr / bias1);
        const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
        for (std::size_t i = 0, n = end - begin; i < n; ++i) {
            float gi = g[i] + wd * p[i];
            m[i] = b1 * m[i] + (1.0f - b1) * gi;
            v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
            float denom = std::sqrt(v[i]) / bias2_sqrt + eps;
            p[i] -= step_size * m[i] / denom;
        }
    }
    std::vector<std::string> slot_names() const override { return {"exp_avg", "exp_avg_sq"}; }
};

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::size_t total) {
    const std::size_t slots = spec.type == "adam" ? 2 : spec.type == "momentum" ? 1 : 0;
    require_memory(slots * total * sizeof(float), spec.type + "'s state for " + std::to_string(total) + " parameters");
    if (spec.type == "sgd") return std::make_unique<Sgd>(spec);
    if (spec.type == "momentum") return std::make_unique<Momentum>(spec, total);
    if (spec.type == "adam") return std::make_unique<Adam>(spec, total);
    throw usage_error("optimizer: expected sgd, momentum or adam, got \"" + spec.type + "\"");
}

}  // namespace trainctl
