// Layers: finite-difference gradients for each, conv against a naive convolution, hand values.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/conv2d.hpp"
#include "core/error.hpp"
#include "core/flatten.hpp"
#include "core/linear.hpp"
#include "core/maxpool2d.hpp"
#include "core/params.hpp"
#include "core/relu.hpp"
#include "core/sequential.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "gradcheck.hpp"

using namespace trainctl;
using trainctl::testing::check_layer_gradients;
using trainctl::testing::fill_distinct;
using trainctl::testing::fill_uniform;

namespace {

struct ConvCase {
    std::size_t c_in, h, w;
    Conv2dOptions opt;
};

// stride 1 and 2, padding 0 and 2, with and without bias, C_in 1 and 3; [5] and [6] have
// outputs wide enough for conv2d's direct kernel (k 5 and 3), [7] and [8] out channels for its
// ocvec kernel (8 and 16), the others go through im2col + gemm (tests/test_conv_kernels.cpp).
const ConvCase kConvCases[] = {
    {1, 7, 7, {/*out_channels=*/2, /*kernel=*/3, /*stride=*/1, /*padding=*/0, /*bias=*/true}},
    {3, 6, 5, {2, 3, 2, 0, false}},
    {1, 5, 6, {3, 3, 1, 2, false}},
    {3, 7, 6, {2, 3, 2, 2, true}},
    {3, 6, 6, {2, 5, 1, 2, true}},
    {1, 8, 20, {3, 5, 1, 0, true}},
    {2, 6, 18, {2, 3, 1, 1, false}},
    {2, 6, 9, {8, 3, 1, 1, true}},
    {3, 7, 8, {16, 3, 1, 0, false}},
};

// A conv layer with its own ParamSet, parameters drawn from a seed.
struct ConvFixture {
    ParamSet params;
    Conv2d conv;
    explicit ConvFixture(const ConvCase& c, std::uint64_t seed = 1)
        : conv(params, "conv", Shape{c.c_in, c.h, c.w}, c.opt) {
        params.allocate();
        Rng rng(seed, kStreamInit);
        for (std::size_t i = 0; i < params.total(); ++i) params.values()[i] = rng.uniform(-1.0f, 1.0f);
    }
};

// y[n,o,oh,ow] = b[o] + sum_{c,i,j} w[o,c,i,j] * x[n,c,oh*s+i-p,ow*s+j-p], zero outside x.
std::vector<float> naive_conv(const Tensor& x, const ParamSet& params, const ConvCase& c, const Shape& out) {
    const long k = static_cast<long>(c.opt.kernel), s = static_cast<long>(c.opt.stride);
    const long p = static_cast<long>(c.opt.padding), h = static_cast<long>(c.h), w = static_cast<long>(c.w);
    const long c_in = static_cast<long>(c.c_in);
    const auto input = [&](long n, long ci, long ih, long iw) {
        if (ih < 0 || iw < 0 || ih >= h || iw >= w) return 0.0f;
        return x[static_cast<std::size_t>(((n * c_in + ci) * h + ih) * w + iw)];
    };
    const auto weight = [&](long o, long ci, long i, long j) {
        return params.value(0)[static_cast<std::size_t>(((o * c_in + ci) * k + i) * k + j)];
    };
    std::vector<float> y;
    for (long n = 0; n < static_cast<long>(x.shape()[0]); ++n)
        for (long o = 0; o < static_cast<long>(out[0]); ++o)
            for (long oh = 0; oh < static_cast<long>(out[1]); ++oh)
                for (long ow = 0; ow < static_cast<long>(out[2]); ++ow) {
                    double sum = c.opt.bias ? params.value(1)[o] : 0.0f;
                    for (long ci = 0; ci < c_in; ++ci)
                        for (long i = 0; i < k; ++i)
                            for (long j = 0; j < k; ++j)
                                sum += weight(o, ci, i, j) * input(n, ci, oh * s + i - p, ow * s + j - p);
                    y.push_back(static_cast<float>(sum));
                }
    return y;
}

Tensor random_input(const Shape& shape, std::uint64_t seed) {
    Tensor x(shape);
    Rng rng(seed, 5);
    fill_uniform(x, rng, -1.0f, 1.0f);
    return x;
}

// Runs forward+backward once from zeroed grads; returns (y, param grads).
std::pair<std::vector<float>, std::vector<float>> conv_step(ConvFixture& f, const Tensor& x) {
    f.conv.reserve(x.shape()[0]);
    const Tensor& y = f.conv.forward(x);
    f.params.zero_grad();
    f.conv.backward(y);
    return {std::vector<float>(y.data(), y.data() + y.size()),
            std::vector<float>(f.params.grads(), f.params.grads() + f.params.total())};
}

}  // namespace

TEST_CASE("conv2d forward matches a naive 7-loop convolution", "[core][layers]") {
    for (const ConvCase& c : kConvCases) {
        ConvFixture f(c);
        Tensor x = random_input(Shape{3, c.c_in, c.h, c.w}, 2);
        f.conv.reserve(3);
        const Tensor& y = f.conv.forward(x);
        REQUIRE(y.shape() == batched(3, f.conv.out_sample()));
        const std::vector<float> want = naive_conv(x, f.params, c, f.conv.out_sample());
        for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(y[i] == Approx(want[i]).margin(1e-5));
    }
}

TEST_CASE("conv2d gradients match finite differences", "[core][layers]") {
    for (const ConvCase& c : kConvCases) {
        INFO("c_in " << c.c_in << " stride " << c.opt.stride << " padding " << c.opt.padding << " bias " << c.opt.bias);
        ConvFixture f(c);
        Tensor x = random_input(Shape{2, c.c_in, c.h, c.w}, 3);
        check_layer_gradients(f.conv, &f.params, x);
    }
}

TEST_CASE("conv2d skips dx for the first layer but still fills its grads", "[core][layers]") {
    ConvFixture with_dx(kConvCases[1]), without_dx(kConvCases[1]);
    Tensor x = random_input(Shape{2, 3, 6, 5}, 6);
    without_dx.conv.set_input_grad(false);
    const auto ref = conv_step(with_dx, x);
    without_dx.conv.reserve(2);
    without_dx.params.zero_grad();
    CHECK(without_dx.conv.backward(without_dx.conv.forward(x)).size() == 0);
    CHECK(std::vector<float>(without_dx.params.grads(), without_dx.params.grads() + without_dx.params.total()) ==
          ref.second);
}

TEST_CASE("backward adds into parameter grads: twice gives double", "[core][layers]") {
    ConvFixture f(kConvCases[3]);
    ParamSet lp;
    Linear fc(lp, "fc", Shape{6}, 4);
    lp.allocate();
    Rng rng(8, 1);
    for (std::size_t i = 0; i < lp.total(); ++i) lp.values()[i] = rng.uniform(-1.0f, 1.0f);
    struct Case {
        Layer& layer;
        ParamSet& params;
        Tensor x;
    } cases[] = {{f.conv, f.params, random_input(Shape{3, 3, 7, 6}, 9)}, {fc, lp, random_input(Shape{3, 6}, 10)}};
    for (Case& c : cases) {
        INFO(c.layer.name());
        c.layer.reserve(3);
        Tensor dy(c.layer.forward(c.x).shape());
        fill_uniform(dy, rng, -1.0f, 1.0f);
        c.params.zero_grad();
        c.layer.backward(dy);
        const std::vector<float> once(c.params.grads(), c.params.grads() + c.params.total());
        c.layer.backward(dy);
        for (std::size_t i = 0; i < once.size(); ++i) {
            REQUIRE(once[i] != 0.0f);
            CHECK(c.params.grads()[i] == Approx(2.0f * once[i]).margin(1e-6));
        }
    }
}

TEST_CASE("conv2d with its ReLU fused gives the output and grads of conv then ReLU", "[core][layers]") {
    // The direct kernel (5x5, 8 wide rows padded to whole vectors in backward, 3 channels: a pair
    // and a single), im2col + gemm and the ocvec kernel.
    for (const ConvCase& c : {kConvCases[5], kConvCases[6], kConvCases[0], kConvCases[4], kConvCases[7], kConvCases[8]}) {
        INFO("c_in " << c.c_in << " h " << c.h << " w " << c.w << " kernel " << c.opt.kernel);
        const Shape in{c.c_in, c.h, c.w};
        ConvFixture plain(c);
        ReLU relu("relu", plain.conv.out_sample());
        Sequential fused(in);
        fused.add_with_params<Conv2d>("conv", c.opt);
        fused.add<ReLU>("relu");
        fused.finalize();
        std::copy(plain.params.values(), plain.params.values() + plain.params.total(), fused.params().values());
        Tensor x = random_input(batched(3, in), 41);
        plain.conv.reserve(3);
        relu.reserve(3);
        fused.reserve(3);
        const Tensor& want_y = relu.forward(plain.conv.forward(x));
        const Tensor& got_y = fused.forward(x);
        REQUIRE(got_y.size() == want_y.size());
        for (std::size_t i = 0; i < want_y.size(); ++i) REQUIRE(got_y[i] == Approx(want_y[i]).margin(1e-6));
        Tensor dy(want_y.shape());
        Rng rng(42, 1);
        fill_uniform(dy, rng, -1.0f, 1.0f);
        plain.params.zero_grad();
        fused.params().zero_grad();
        plain.conv.backward(relu.backward(dy));
        fused.backward(dy);
        for (std::size_t i = 0; i < plain.params.total(); ++i)
            REQUIRE(fused.params().grads()[i] == Approx(plain.params.grads()[i]).margin(1e-5));
    }
}

TEST_CASE("conv2d rejects a kernel larger than its padded input", "[core][layers]") {
    ParamSet params;
    CHECK_THROWS_WITH(Conv2d(params, "conv1", Shape{1, 3, 3}, Conv2dOptions{6, 5}),
                      "conv1: input [1,3,3] is smaller than kernel 5 with padding 0");
    CHECK_NOTHROW(Conv2d(params, "conv2", Shape{1, 3, 3}, Conv2dOptions{6, 5, 1, 1}));
}

TEST_CASE("maxpool2d picks the first max and routes grads there", "[core][layers]") {
    MaxPool2d pool("pool", Shape{1, 2, 4}, /*kernel=*/2, /*stride=*/2);
    Tensor x(Shape{1, 1, 2, 4});
    const float values[] = {1, 3, -1, -2,  //
                            3, 2, -3, -1};
    std::copy(std::begin(values), std::end(values), x.data());
    pool.reserve(1);
    const Tensor& y = pool.forward(x);
    REQUIRE(y.shape() == Shape{1, 1, 1, 2});
    CHECK(y[0] == 3.0f);
    CHECK(y[1] == -1.0f);
    Tensor dy(y.shape());
    dy[0] = 10.0f;
    dy[1] = 20.0f;
    const Tensor& dx = pool.backward(dy);
    const std::vector<float> want = {0, 10, 20, 0, 0, 0, 0, 0};  // ties at (1,0) and (1,3) get nothing
    CHECK(std::vector<float>(dx.data(), dx.data() + dx.size()) == want);
}

namespace {

// Pooling inputs of `levels` values centred on 0 (rng seed `seed`): most windows hold ties;
// -0 at every `zero_every`-th float, NaN from `nan_from` at every `nan_every`-th.
void fill_pool_ties(Tensor& x, std::uint64_t seed, std::uint32_t levels, std::size_t zero_every, std::size_t nan_from,
                    std::size_t nan_every) {
    Rng rng(seed, 1);
    const float centre = static_cast<float>(levels - 1) / 2.0f;
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.below(levels)) - centre;
    for (std::size_t i = 0; i < x.size(); i += zero_every) x[i] = -0.0f;
    for (std::size_t i = nan_from; i < x.size(); i += nan_every) x[i] = std::nanf("");
}

}  // namespace

TEST_CASE("maxpool2d infer gives forward's maxima bit for bit, ties, signed zeros and NaN included", "[core][layers]") {
    struct Geometry {
        std::size_t kernel, stride;
    };
    for (const Geometry g : {Geometry{2, 2}, Geometry{3, 2}, Geometry{3, 1}}) {
        INFO("kernel " << g.kernel << " stride " << g.stride);
        MaxPool2d pool("pool", Shape{3, 8, 10}, g.kernel, g.stride);
        Tensor x(batched(4, pool.in_sample()));
        // Few distinct values: most windows hold ties; a few -0, +0 and NaN.
        fill_pool_ties(x, 21, 5, 17, 5, 61);
        pool.reserve(4);
        const Tensor& y = pool.forward(x);
        const std::vector<float> trained(y.data(), y.data() + y.size());
        const Tensor& inferred = pool.infer(x);
        REQUIRE(inferred.size() == trained.size());
        CHECK(std::memcmp(inferred.data(), trained.data(), trained.size() * sizeof(float)) == 0);
    }
}

namespace {

// 2x2/2 pooling as the definition reads: the first of the window's floats in row-major order
// that no later one exceeds (strict >), and dy routed to it. Planes [C,H,W], windows need not tile.
void naive_pool2x2(const Tensor& x, const Tensor& dy, std::vector<float>& y, std::vector<float>& dx) {
    const std::size_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
    const std::size_t oh_n = h / 2, ow_n = w / 2;
    y.clear();
    dx.assign(x.size(), 0.0f);
    for (std::size_t pl = 0; pl < n * c; ++pl)
        for (std::size_t oh = 0; oh < oh_n; ++oh)
            for (std::size_t ow = 0; ow < ow_n; ++ow) {
                std::size_t best = pl * h * w + 2 * oh * w + 2 * ow;
                for (std::size_t at : {best + 1, best + w, best + w + 1})
                    if (x[at] > x[best]) best = at;
                y.push_back(x[best]);
                dx[best] += dy[(pl * oh_n + oh) * ow_n + ow];
            }
}

}  // namespace

TEST_CASE("maxpool2d 2x2 stride 2 (vector kernel) matches the definition, ties, signed zeros and NaN included",
          "[core][layers]") {
    // 28 and 19 wide: whole 8-output steps plus an overlapping last one; 10, 9, 3 and 2 wide:
    // rows under 8 outputs (one masked step, 1 to 5 outputs); 7 high and 19 or 9 wide: windows
    // that leave a row and a column uncovered.
    for (const Shape& plane : {Shape{6, 28, 28}, Shape{16, 10, 10}, Shape{2, 7, 19}, Shape{3, 7, 9}, Shape{2, 4, 3},
                               Shape{1, 2, 2}, Shape{2, 6, 15}}) {
        INFO("plane " << plane.str());
        MaxPool2d pool("pool", plane, /*kernel=*/2, /*stride=*/2);
        Tensor x(batched(3, plane));
        fill_pool_ties(x, 31, 4, 13, 3, 29);
        pool.reserve(3);
        const Tensor& y = pool.forward(x);
        Tensor dy(y.shape());
        for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = i % 7 == 0 ? -0.0f : static_cast<float>(i % 11) - 5.0f;
        std::vector<float> want_y, want_dx;
        naive_pool2x2(x, dy, want_y, want_dx);
        REQUIRE(y.size() == want_y.size());
        CHECK(std::memcmp(y.data(), want_y.data(), y.size() * sizeof(float)) == 0);
        const Tensor& dx = pool.backward(dy);
        REQUIRE(dx.size() == want_dx.size());
        CHECK(std::memcmp(dx.data(), want_dx.data(), dx.size() * sizeof(float)) == 0);
        const Tensor& inferred = pool.infer(x);
        CHECK(std::memcmp(inferred.data(), want_y.data(), want_y.size() * sizeof(float)) == 0);
    }
}

TEST_CASE("maxpool2d gradients match finite differences", "[core][layers]") {
    for (std::size_t stride : {2, 1}) {  // stride 1: overlapping windows share inputs
        INFO("stride " << stride);
        MaxPool2d pool("pool", Shape{2, 7, 6}, /*kernel=*/3, stride);
        Tensor x(batched(2, pool.in_sample()));
        Rng rng(12, 1);
        fill_distinct(x, rng, /*spacing=*/0.05f);
        check_layer_gradients(pool, nullptr, x);
    }
}

TEST_CASE("relu forward clamps negatives and its gradient matches", "[core][layers]") {
    ReLU relu("relu", Shape{3, 2, 3});
    Tensor x(batched(2, relu.in_sample()));
    Rng rng(13, 1);
    fill_distinct(x, rng, /*spacing=*/0.05f);
    relu.reserve(2);
    const Tensor& y = relu.forward(x);
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == (x[i] > 0 ? x[i] : 0.0f));
    check_layer_gradients(relu, nullptr, x);
}

TEST_CASE("flatten keeps row-major order and its gradient matches", "[core][layers]") {
    Flatten flat("flatten", Shape{2, 3, 4});
    REQUIRE(flat.out_sample() == Shape{24});
    Tensor x = random_input(batched(2, flat.in_sample()), 14);
    flat.reserve(2);
    const Tensor& y = flat.forward(x);
    REQUIRE(y.shape() == Shape{2, 24});
    CHECK(std::vector<float>(y.data(), y.data() + y.size()) == std::vector<float>(x.data(), x.data() + x.size()));
    check_layer_gradients(flat, nullptr, x);
}

TEST_CASE("linear computes x W^T + b", "[core][layers]") {
    ParamSet params;
    Linear fc(params, "fc", Shape{2}, 3);
    params.allocate();
    const float w[] = {1, 2, 3, 4, 5, 6};  // [out=3, in=2]
    const float b[] = {0.5f, -1, 0};
    std::copy(std::begin(w), std::end(w), params.value(0));
    std::copy(std::begin(b), std::end(b), params.value(1));
    Tensor x(Shape{2, 2});
    const float rows[] = {1, 1, 2, -1};
    std::copy(std::begin(rows), std::end(rows), x.data());
    fc.reserve(2);
    const Tensor& y = fc.forward(x);
    CHECK(std::vector<float>(y.data(), y.data() + y.size()) == std::vector<float>{3.5f, 6, 11, 0.5f, 1, 4});
}

TEST_CASE("linear gradients match finite differences", "[core][layers]") {
    trainctl::testing::check_linear_gradients(/*batch=*/3, /*in=*/5, /*out=*/4, /*seed=*/15);
}

TEST_CASE("layers describe themselves for the graph file", "[core][layers]") {
    ParamSet params;
    Conv2d conv(params, "conv1", Shape{1, 32, 32}, Conv2dOptions{6, 5, 1, 0, false});
    nlohmann::json j;
    conv.describe(j);
    CHECK(j == nlohmann::json::parse(R"({"type":"conv2d","name":"conv1","in_channels":1,"out_channels":6,"kernel":5,
        "stride":1,"padding":0,"bias":false,"in":[1,32,32],"out":[6,28,28]})"));
    MaxPool2d pool("pool1", Shape{6, 28, 28}, 2, 2);
    j = nlohmann::json();
    pool.describe(j);
    CHECK(j == nlohmann::json::parse(R"({"type":"maxpool2d","name":"pool1","kernel":2,"stride":2,"in":[6,28,28],
        "out":[6,14,14]})"));
    Linear fc(params, "fc1", Shape{400}, 120);
    j = nlohmann::json();
    fc.describe(j);
    CHECK(j == nlohmann::json::parse(R"({"type":"linear","name":"fc1","in_features":400,"out_features":120,"bias":true,
        "in":[400],"out":[120]})"));
    CHECK(params.infos()[0].shape == Shape{6, 1, 5, 5});
    CHECK(params.infos()[1].name == "fc1.weight");
    CHECK(params.infos()[1].shape == Shape{120, 400});
}
