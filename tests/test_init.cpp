// Weight initialisation: bounds and moments of the draws, draw order, reproducibility.
#include <cmath>
#include <memory>
#include <vector>
#include <catch2/catch.hpp>

#include "core/conv2d.hpp"
#include "core/init.hpp"
#include "core/linear.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"
#include "core/sequential.hpp"

using namespace trainctl;

namespace {

struct Moments {
    double mean = 0, sd = 0, max_abs = 0;
};
Moments moments(const float* v, std::size_t n) {
    Moments m;
    for (std::size_t i = 0; i < n; ++i) m.mean += v[i];
    m.mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
        m.sd += (v[i] - m.mean) * (v[i] - m.mean);
        m.max_abs = std::max(m.max_abs, std::abs(static_cast<double>(v[i])));
    }
    m.sd = std::sqrt(m.sd / static_cast<double>(n));
    return m;
}

// One conv 3->16 k5 (fan_in 75) with bias; on the heap because layers point into its ParamSet.
std::unique_ptr<Sequential> small_net(std::uint64_t seed, const InitSpec& init) {
    auto net = std::make_unique<Sequential>(Shape{3, 9, 9});
    net->add_with_params<Conv2d>("conv1", Conv2dOptions{/*out_channels=*/16, /*kernel=*/5});
    net->finalize();
    net->init_params(seed, init);
    return net;
}
std::vector<float> values(const Sequential& net) {
    return std::vector<float>(net.params().values(), net.params().values() + net.params().total());
}

}  // namespace

TEST_CASE("pytorch init: U(+-1/sqrt(fan_in)) for weight and bias", "[core][init]") {
    ParamSet params;
    Linear fc(params, "fc1", Shape{400}, 120);
    params.allocate();
    Rng rng(1, kStreamInit);
    fc.init_params(params, rng, InitSpec{});
    const double bound = 1.0 / std::sqrt(400.0);
    const Moments w = moments(params.value(0), 400 * 120);
    CHECK(w.max_abs <= bound);
    CHECK(w.max_abs > 0.99 * bound);
    CHECK(std::abs(w.mean) < 0.02 * bound);
    CHECK(w.sd == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
    const Moments b = moments(params.value(1), 120);
    CHECK(b.max_abs <= bound);
    CHECK(b.sd > 0.3 * bound);
}

TEST_CASE("pytorch init of a conv uses fan_in = in_channels*kh*kw", "[core][init]") {
    const auto net = small_net(5, InitSpec{});
    const double bound = 1.0 / std::sqrt(3.0 * 5 * 5);
    const Moments w = moments(net->params().value(0), 16 * 75);
    CHECK(w.max_abs <= bound);
    CHECK(w.max_abs > 0.95 * bound);
}

TEST_CASE("normal init: N(0, sigma) weights, zero bias", "[core][init]") {
    ParamSet params;
    Linear fc(params, "fc1", Shape{400}, 120);
    params.allocate();
    std::fill(params.values(), params.values() + params.total(), 1.0f);
    Rng rng(2, kStreamInit);
    fc.init_params(params, rng, InitSpec{InitSpec::Kind::kNormal, 0.05f});
    const Moments w = moments(params.value(0), 400 * 120);
    CHECK(std::abs(w.mean) < 0.002);
    CHECK(w.sd == Approx(0.05).epsilon(0.02));
    const Moments b = moments(params.value(1), 120);
    CHECK(b.max_abs == 0.0);
}

TEST_CASE("init draws the weight, then the bias, in memory order", "[core][init]") {
    float w[6], b[2];
    Rng rng(9, kStreamInit);
    init_weight_bias(InitSpec{}, /*fan_in=*/4, w, 6, b, 2, rng);
    Rng replay(9, kStreamInit);
    for (float v : w) CHECK(v == replay.uniform(-0.5f, 0.5f));
    for (float v : b) CHECK(v == replay.uniform(-0.5f, 0.5f));
}

TEST_CASE("init is reproducible from the seed", "[core][init]") {
    CHECK(values(*small_net(42, InitSpec{})) == values(*small_net(42, InitSpec{})));
    CHECK(values(*small_net(42, InitSpec{})) != values(*small_net(43, InitSpec{})));
    const InitSpec normal{InitSpec::Kind::kNormal, 0.1f};
    CHECK(values(*small_net(42, normal)) == values(*small_net(42, normal)));
}
