// BatchMaker: bilinear resize against hand values and a plain reference, normalisation, picking.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/data/batch.hpp"
#include "core/rng.hpp"

using namespace trainctl;

namespace {

// mean 0, std 1 leaves x/255, so expected values can be written in 0-255 units.
const InputSpec kPlain{/*size=*/4, /*mean=*/0.0f, /*std=*/1.0f};

// One image's output, in 0-255 units when spec is kPlain-like.
std::vector<float> run(const InputSpec& spec, const std::vector<std::uint8_t>& img, std::size_t rows,
                       std::size_t cols) {
    BatchMaker maker(spec, rows, cols);
    std::vector<float> out(spec.size * spec.size);
    maker.transform(img.data(), out.data());
    for (float& v : out) v *= 255.0f;
    return out;
}

// Bilinear by the textbook: clamp the source coordinate into [0, n-1], then interpolate.
// Written apart from BatchMaker's tables (which clamp indices and weights instead).
double reference_pixel(const std::vector<std::uint8_t>& img, std::size_t rows, std::size_t cols,
                       std::size_t size, std::size_t oy, std::size_t ox) {
    auto coord = [size](std::size_t o, std::size_t n) {
        double c = (o + 0.5) * n / size - 0.5;
        return std::min(std::max(c, 0.0), n - 1.0);
    };
    double y = coord(oy, rows), x = coord(ox, cols);
    auto yi = static_cast<std::size_t>(y), xi = static_cast<std::size_t>(x);
    std::size_t yj = std::min(yi + 1, rows - 1), xj = std::min(xi + 1, cols - 1);
    double fy = y - yi, fx = x - xi;
    auto px = [&](std::size_t r, std::size_t c) { return static_cast<double>(img[r * cols + c]); };
    return (1 - fy) * ((1 - fx) * px(yi, xi) + fx * px(yi, xj)) +
           fy * ((1 - fx) * px(yj, xi) + fx * px(yj, xj));
}

std::vector<std::uint8_t> random_image(std::size_t n, std::uint64_t seed) {
    Rng rng(seed, 0);
    std::vector<std::uint8_t> img(n);
    for (auto& p : img) p = static_cast<std::uint8_t>(rng.below(256));
    return img;
}

}  // namespace

TEST_CASE("batch: a constant image stays constant at every size", "[core][batch]") {
    const std::size_t size = GENERATE(7, 14, 28, 32, 57);
    const std::vector<std::uint8_t> img(28 * 28, 200);
    for (float v : run({size, 0.0f, 1.0f}, img, 28, 28)) REQUIRE(v == Approx(200.0f));
}

TEST_CASE("batch: 2x2 -> 4x4 matches values computed by hand", "[core][batch]") {
    // Per axis, dst 0..3 sit at src -0.25, 0.25, 0.75, 1.25; the ends clamp to the edge pixel.
    const std::vector<std::uint8_t> img = {0, 100, 200, 40};
    const std::vector<float> expected = {
        0,   25,     75,    100,  //
        50,  58.75,  76.25, 85,   //
        150, 126.25, 78.75, 55,   //
        200, 160,    80,    40,
    };
    std::vector<float> out = run(kPlain, img, 2, 2);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("pixel " << i);
        CHECK(out[i] == Approx(expected[i]).margin(1e-3));
    }
}

TEST_CASE("batch: resize matches a plain bilinear reference", "[core][batch]") {
    // Source rows of up to 16, up to 32 (AVX-512 builds: the permute pass) and over 32 pixels.
    const std::size_t rows = GENERATE(28, 5), cols = GENERATE(28, 9, 32, 45);
    const std::size_t size = GENERATE(32, 14, 20, 3, 40);
    const std::vector<std::uint8_t> img = random_image(rows * cols, 42 + size);
    std::vector<float> out = run({size, 0.0f, 1.0f}, img, rows, cols);
    for (std::size_t oy = 0; oy < size; ++oy)
        for (std::size_t ox = 0; ox < size; ++ox) {
            INFO(rows << "x" << cols << " -> " << size << " at " << oy << "," << ox);
            REQUIRE(out[oy * size + ox] ==
                    Approx(reference_pixel(img, rows, cols, size, oy, ox)).margin(1e-3));
        }
}

TEST_CASE("batch: 28 -> 28 is the normalised image, untouched", "[core][batch]") {
    const InputSpec spec{28, 0.1307f, 0.3081f};
    const std::vector<std::uint8_t> img = random_image(28 * 28, 7);
    BatchMaker maker(spec, 28, 28);
    std::vector<float> out(28 * 28);
    maker.transform(img.data(), out.data());
    for (std::size_t i = 0; i < img.size(); ++i)
        REQUIRE(out[i] == Approx((img[i] / 255.0 - 0.1307) / 0.3081).margin(1e-6));
}

TEST_CASE("batch: normalisation is x/(255*std) - mean/std", "[core][batch]") {
    BatchMaker maker({2, 0.1307f, 0.3081f}, 2, 2);
    const std::vector<std::uint8_t> img = {0, 255, 128, 51};
    float out[4];
    maker.transform(img.data(), out);
    CHECK(out[0] == Approx(-0.424213f).epsilon(1e-5));
    CHECK(out[1] == Approx(2.821487f).epsilon(1e-5));
    CHECK(out[2] == Approx((128 / 255.0 - 0.1307) / 0.3081).epsilon(1e-6));
    CHECK(out[3] == Approx((51 / 255.0 - 0.1307) / 0.3081).epsilon(1e-6));
}

TEST_CASE("batch: make() picks the indexed images and labels into the reserved tensor", "[core][batch]") {
    // Image i is constant 10*i, so each output plane says which image it came from.
    LabeledImages data;
    data.count = 5;
    data.rows = data.cols = 28;
    data.labels = {4, 3, 2, 1, 0};
    for (std::uint8_t i = 0; i < 5; ++i)
        data.images.insert(data.images.end(), 28 * 28, static_cast<std::uint8_t>(10 * i));
    const InputSpec spec{32, 0.0f, 1.0f};
    BatchMaker maker(spec, 28, 28);
    maker.reserve(4);
    const float* buffer = maker.batch().data();

    const std::uint32_t indices[] = {3, 0, 4, 3};
    std::uint8_t labels[4] = {};
    maker.make(data, indices, 4, labels);
    CHECK(maker.batch().shape() == Shape({4, 1, 32, 32}));
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(labels[i] == data.labels[indices[i]]);
        const float* plane = maker.batch().data() + i * 32 * 32;
        CHECK(plane[0] * 255 == Approx(10.0f * indices[i]));
        CHECK(plane[32 * 32 - 1] * 255 == Approx(10.0f * indices[i]));
    }

    // A short last batch reuses the same buffer with a smaller shape.
    const std::uint32_t last[] = {1};
    maker.make(data, last, 1, labels);
    CHECK(maker.batch().shape() == Shape({1, 1, 32, 32}));
    CHECK(maker.batch().data() == buffer);
    CHECK(labels[0] == 3);
    CHECK(maker.batch()[5] * 255 == Approx(10.0f));
}
