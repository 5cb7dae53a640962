// The work units the host probes run, one copy per thread (bench_host pins one to each CPU;
// bench_train's scaling pairs run one on each engine thread): each run() does one unit and
// returns what it counts. Build them while one engine thread is configured: a LeNetUnit's net
// then never hands work to the pool and runs wholly on the thread that calls it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/gemm.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "nets/nets.hpp"

namespace trainctl {

// One single-threaded 512^3 sgemm on its own matrices (3 MB); counts GFLOPs.
class SgemmUnit {
public:
    double run() {
        float* a = m_.data();
        gemm(false, false, kN, kN, kN, 1.0f, a, kN, a + kN * kN, kN, 0.0f, a + 2 * kN * kN, kN);
        return 2.0 * kN * kN * kN / 1e9;
    }

private:
    static constexpr std::size_t kN = 512;
    std::vector<float> m_ = std::vector<float>(3 * kN * kN, 1.0f);
};

// trainctl's LeNet5 inference of one batch of 64 random images on its own net; counts images.
class LeNetUnit {
public:
    explicit LeNetUnit(std::uint64_t seed) : net_(build_net(NetSpec{}, InputSpec{})) {
        net_->init_params(1, InitSpec{});
        net_->reserve(kBatch);
        x_ = Tensor(batched(kBatch, net_->in_sample()));
        Rng rng(2, seed);
        for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = rng.uniform(-1.0f, 1.0f);
    }
    double run() {
        net_->infer(x_);
        return static_cast<double>(kBatch);
    }

private:
    static constexpr std::size_t kBatch = 64;
    std::unique_ptr<Sequential> net_;
    Tensor x_;
};

}  // namespace trainctl
