// Linear's AVX-512 products against a naive double-precision product, on shapes around every
// block edge (4x6 dot-product blocks, 6x64 broadcast blocks, 16-lane vectors), with strided
// operands and both betas; and the property Linear's thread split relies on: a block of C
// computed alone has the same bits as in a whole product.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/linear_kernels.hpp"
#include "core/rng.hpp"

using namespace trainctl;

namespace {

struct Shape3 {
    std::size_t m, n, k;
};
// 1-wide edges, one short of and one past each block and vector size, and the MLP's own shapes.
const Shape3 kShapes[] = {{1, 1, 1},   {4, 6, 16},   {5, 7, 17},  {3, 5, 15},   {6, 64, 8},    {7, 65, 33},
                          {12, 63, 1}, {13, 130, 47}, {2, 10, 84}, {64, 512, 40}, {32, 10, 512}, {9, 784, 64}};

std::vector<float> random_floats(std::size_t n, Rng& rng) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

// Checks c (row stride ldc) against c0 * beta + reference, the tolerance scaled by the sum of
// |terms| of each output (float rounding over k products).
void check_product(const std::vector<float>& c, const std::vector<float>& c0, std::size_t ldc, float beta,
                   const std::vector<double>& ref, const std::vector<double>& magnitude, const Shape3& s) {
    for (std::size_t i = 0; i < s.m; ++i)
        for (std::size_t j = 0; j < s.n; ++j) {
            const double want = beta * c0[i * ldc + j] + ref[i * s.n + j];
            const double tolerance = 1e-6 * (magnitude[i * s.n + j] + std::fabs(c0[i * ldc + j])) + 1e-30;
            INFO("m " << s.m << " n " << s.n << " k " << s.k << " beta " << beta << " at " << i << "," << j);
            REQUIRE(std::fabs(c[i * ldc + j] - want) <= tolerance);
        }
    // Padding past each row's n columns is never written.
    for (std::size_t i = 0; i < s.m; ++i)
        for (std::size_t j = s.n; j < ldc; ++j) REQUIRE(c[i * ldc + j] == c0[i * ldc + j]);
}

}  // namespace

TEST_CASE("product_nt: C = beta*C + A B^T matches a double-precision product", "[linear_kernels]") {
    Rng rng(7, 0);
    for (const Shape3& s : kShapes)
        for (const float beta : {0.0f, 1.0f}) {
            const std::size_t lda = s.k + 3, ldb = s.k + 5, ldc = s.n + 2;  // strided rows
            const auto a = random_floats(s.m * lda, rng), b = random_floats(s.n * ldb, rng);
            const auto c0 = random_floats(s.m * ldc, rng);
            std::vector<double> ref(s.m * s.n), mag(s.m * s.n);
            for (std::size_t i = 0; i < s.m; ++i)
                for (std::size_t j = 0; j < s.n; ++j)
                    for (std::size_t p = 0; p < s.k; ++p) {
                        const double t = static_cast<double>(a[i * lda + p]) * b[j * ldb + p];
                        ref[i * s.n + j] += t;
                        mag[i * s.n + j] += std::fabs(t);
                    }
            std::vector<float> c = c0;
            product_nt(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
            check_product(c, c0, ldc, beta, ref, mag, s);
        }
}

TEST_CASE("product_nn: C = beta*C + op(A) B matches a double-precision product, A plain or transposed",
          "[linear_kernels]") {
    Rng rng(8, 0);
    for (const bool trans_a : {false, true})
        for (const Shape3& s : kShapes)
            for (const float beta : {0.0f, 1.0f}) {
                // op(A)(i,p) is a[i*lda + p], or a[p*lda + i] transposed.
                const std::size_t lda = (trans_a ? s.m : s.k) + 3, ldb = s.n + 17, ldc = s.n + 1;
                const auto a = random_floats((trans_a ? s.k : s.m) * lda, rng), b = random_floats(s.k * ldb, rng);
                const auto c0 = random_floats(s.m * ldc, rng);
                std::vector<double> ref(s.m * s.n), mag(s.m * s.n);
                for (std::size_t i = 0; i < s.m; ++i)
                    for (std::size_t j = 0; j < s.n; ++j)
                        for (std::size_t p = 0; p < s.k; ++p) {
                            const float ai = trans_a ? a[p * lda + i] : a[i * lda + p];
                            const double t = static_cast<double>(ai) * b[p * ldb + j];
                            ref[i * s.n + j] += t;
                            mag[i * s.n + j] += std::fabs(t);
                        }
                std::vector<float> c = c0;
                product_nn(trans_a, s.m, s.n, s.k, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
                INFO((trans_a ? "transposed A" : "plain A"));
                check_product(c, c0, ldc, beta, ref, mag, s);
            }
}

TEST_CASE("Linear's products give the same bits for a block of C computed alone", "[linear_kernels]") {
    if (!linear_kernels_available()) {
        WARN("no AVX-512 on this CPU: the products are OpenBLAS's, whose blocking is its own");
        return;
    }
    // The MLP's first layer at batch 64: forward y = x W^T, dx = dy W, dW = dy^T x, each split
    // as Linear splits it over threads (and at odd points, off every block edge).
    Rng rng(9, 0);
    const std::size_t batch = 64, in = 784, out = 512;
    const auto x = random_floats(batch * in, rng), w = random_floats(out * in, rng), dy = random_floats(batch * out, rng);
    for (const std::size_t cut : {std::size_t{1}, std::size_t{37}, std::size_t{256}, std::size_t{300}}) {
        INFO("split at " << cut);
        std::vector<float> whole(batch * out), parts(batch * out);
        product_nt(batch, out, in, x.data(), in, w.data(), in, 0.0f, whole.data(), out);
        product_nt(batch, cut, in, x.data(), in, w.data(), in, 0.0f, parts.data(), out);
        product_nt(batch, out - cut, in, x.data(), in, w.data() + cut * in, in, 0.0f, parts.data() + cut, out);
        REQUIRE(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)) == 0);
        const std::size_t rows = cut % batch + 1;  // a row split too
        product_nt(rows, out, in, x.data(), in, w.data(), in, 0.0f, parts.data(), out);
        product_nt(batch - rows, out, in, x.data() + rows * in, in, w.data(), in, 0.0f, parts.data() + rows * out, out);
        REQUIRE(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)) == 0);

        std::vector<float> dx_whole(batch * in), dx_parts(batch * in);
        product_nn(false, batch, in, out, dy.data(), out, w.data(), in, 0.0f, dx_whole.data(), in);
        product_nn(false, batch, cut, out, dy.data(), out, w.data(), in, 0.0f, dx_parts.data(), in);
        product_nn(false, batch, in - cut, out, dy.data(), out, w.data() + cut, in, 0.0f, dx_parts.data() + cut, in);
        REQUIRE(std::memcmp(dx_whole.data(), dx_parts.data(), dx_whole.size() * sizeof(float)) == 0);

        std::vector<float> gw_whole(out * in, 0.5f), gw_parts(out * in, 0.5f);
        product_nn(true, out, in, batch, dy.data(), out, x.data(), in, 1.0f, gw_whole.data(), in);
        product_nn(true, cut, in, batch, dy.data(), out, x.data(), in, 1.0f, gw_parts.data(), in);
        product_nn(true, out - cut, in, batch, dy.data() + cut, out, x.data(), in, 1.0f, gw_parts.data() + cut * in, in);
        REQUIRE(std::memcmp(gw_whole.data(), gw_parts.data(), gw_whole.size() * sizeof(float)) == 0);
    }
}
