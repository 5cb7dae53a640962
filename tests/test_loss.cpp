// SoftmaxCrossEntropy against hand-computed values and finite differences.
#include <cmath>
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/loss.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "gradcheck.hpp"

using namespace trainctl;

namespace {
Tensor logits_of(std::size_t rows, std::size_t classes, std::initializer_list<float> values) {
    Tensor t(Shape{rows, classes});
    std::copy(values.begin(), values.end(), t.data());
    return t;
}
}  // namespace

TEST_CASE("cross-entropy matches hand-computed values", "[core][loss]") {
    SoftmaxCrossEntropy loss;
    loss.reserve(2, 3);
    const Tensor z = logits_of(2, 3, {1, 2, 3, 0, 0, 0});
    const std::uint8_t labels[] = {2, 1};
    // Row 0: log(e^1+e^2+e^3) - 3 = 0.4076059644; row 1: log 3 = 1.0986122887.
    CHECK(loss.forward(z, labels) == Approx((0.4076059644 + 1.0986122887) / 2).epsilon(1e-6));
    CHECK(loss.probabilities()[2] == Approx(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0))));
    CHECK(loss.probabilities()[4] == Approx(1.0 / 3));
    const Tensor& g = loss.backward();
    REQUIRE(g.shape() == Shape{2, 3});
    CHECK(g[2] == Approx((loss.probabilities()[2] - 1) / 2));
    CHECK(g[4] == Approx((1.0 / 3 - 1) / 2));
    CHECK(g[3] == Approx(1.0 / 6));
}

TEST_CASE("cross-entropy gradient matches finite differences", "[core][loss]") {
    SoftmaxCrossEntropy loss;
    loss.reserve(4, 5);
    Tensor z(Shape{4, 5});
    Rng rng(3, 1);
    testing::fill_uniform(z, rng, -3.0f, 3.0f);
    const std::uint8_t labels[] = {0, 4, 2, 2};
    loss.forward(z, labels);
    const Tensor& g = loss.backward();
    const auto f = [&] { return static_cast<double>(loss.forward(z, labels)); };
    testing::check_close("dlogits", g.data(), testing::numeric_gradient(f, z.data(), z.size(), 1e-2f), 1e-3);
}

TEST_CASE("cross-entropy stays finite for logits like 1000", "[core][loss]") {
    SoftmaxCrossEntropy loss;
    loss.reserve(2, 3);
    const Tensor z = logits_of(2, 3, {1000, 0, -1000, 1000, 1000, 0});
    const std::uint8_t labels[] = {1, 0};
    // Row 0: log(1 + e^-1000 + e^-2000) + 1000 = 1000; row 1: log 2.
    CHECK(loss.forward(z, labels) == Approx((1000 + std::log(2.0)) / 2));
    CHECK(loss.probabilities()[0] == 1.0f);
    CHECK(loss.probabilities()[3] == Approx(0.5));
    const Tensor& g = loss.backward();
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(std::isfinite(g[i]));
    CHECK(g[1] == Approx(-0.5));
}

TEST_CASE("correct() counts argmax hits, the first max winning ties", "[core][loss]") {
    SoftmaxCrossEntropy loss;
    loss.reserve(4, 3);
    const Tensor z = logits_of(4, 3, {0, 5, 1, 2, 2, 0, 3, 1, 0, 0, 0, 1});
    loss.forward(z, std::vector<std::uint8_t>{1, 1, 0, 2}.data());
    CHECK(loss.correct() == 3);  // row 1 ties between 0 and 1: argmax is 0, a miss
    loss.forward(z, std::vector<std::uint8_t>{1, 0, 0, 2}.data());
    CHECK(loss.correct() == 4);
}

TEST_CASE("cross-entropy rejects a label beyond the classes", "[core][loss]") {
    SoftmaxCrossEntropy loss;
    loss.reserve(1, 3);
    const std::uint8_t labels[] = {3};
    CHECK_THROWS_WITH(loss.forward(logits_of(1, 3, {0, 0, 0}), labels),
                      "label 3 of batch row 0 is out of range for 3 classes");
}
