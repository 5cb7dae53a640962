// SGD, Momentum and Adam, each one loop over the whole contiguous parameter arena.
#include "core/optimizer.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/memory.hpp"

namespace trainctl {

namespace {

class Sgd final : public Optimizer {
public:
    explicit Sgd(const OptimizerSpec& spec) : Optimizer(spec) {}
    void step(ParamSet& params, float lr) override {
        float* p = params.values();
        const float* g = params.grads();
        const float wd = spec_.weight_decay;
        for (std::size_t i = 0, n = params.total(); i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
        ++step_count_;
    }
    std::vector<std::string> slot_names() const override { return {}; }
    std::vector<float>& slot(std::size_t) override { throw Error("sgd has no state slots"); }
};

class Momentum final : public Optimizer {
public:
    Momentum(const OptimizerSpec& spec, std::size_t total) : Optimizer(spec), velocity_(total, 0.0f) {}
    void step(ParamSet& params, float lr) override {
        float* p = params.values();
        const float* g = params.grads();
        float* v = velocity_.data();
        const float m = spec_.momentum, wd = spec_.weight_decay;
        const std::size_t n = params.total();
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
        ++step_count_;
    }
    std::vector<std::string> slot_names() const override { return {"momentum"}; }
    std::vector<float>& slot(std::size_t) override { return velocity_; }

private:
    std::vector<float> velocity_;
};

class Adam final : public Optimizer {
public:
    Adam(const OptimizerSpec& spec, std::size_t total)
        : Optimizer(spec), exp_avg_(total, 0.0f), exp_avg_sq_(total, 0.0f) {}
    void step(ParamSet& params, float lr) override {
        ++step_count_;
        float* p = params.values();
        const float* g = params.grads();
        float* m = exp_avg_.data();
        float* v = exp_avg_sq_.data();
        const float b1 = spec_.beta1, b2 = spec_.beta2, eps = spec_.eps, wd = spec_.weight_decay;
        // Bias corrections in double, folded as torch.optim.Adam does (non-capturable path).
        const double t = static_cast<double>(step_count_);
        const double bias1 = 1.0 - std::pow(static_cast<double>(b1), t);
        const double bias2 = 1.0 - std::pow(static_cast<double>(b2), t);
        const float step_size = static_cast<float>(lr / bias1);
        const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
        for (std::size_t i = 0, n = params.total(); i < n; ++i) {
            float gi = g[i] + wd * p[i];
            m[i] = b1 * m[i] + (1.0f - b1) * gi;
            v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
            float denom = std::sqrt(v[i]) / bias2_sqrt + eps;
            p[i] -= step_size * m[i] / denom;
        }
    }
    std::vector<std::string> slot_names() const override { return {"exp_avg", "exp_avg_sq"}; }
    std::vector<float>& slot(std::size_t i) override { return i == 0 ? exp_avg_ : exp_avg_sq_; }

private:
    std::vector<float> exp_avg_;
    std::vector<float> exp_avg_sq_;
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
