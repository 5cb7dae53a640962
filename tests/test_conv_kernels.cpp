// Conv2d's three kernels (ocvec, direct, im2col + gemm) against a naive convolution and its
// naive gradients, on shapes either side of the boundaries where the layer picks one or another.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "core/conv2d.hpp"
#include "core/conv_input_grad.hpp"
#include "core/conv_ocvec.hpp"
#include "core/maxpool2d.hpp"
#include "core/params.hpp"
#include "core/relu.hpp"
#include "core/sequential.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "gradcheck.hpp"

using namespace trainctl;

namespace {

struct KernelCase {
    const char* what;
    std::size_t c_in, h, w;
    Conv2dOptions opt;
    Conv2d::Kernel kernel;  // on an AVX2+FMA build; ocvec falls back to gemm elsewhere
};

const KernelCase kKernelCases[] = {
    {"lenet conv2", 6, 14, 14, {16, 5, 1, 0, false}, Conv2d::Kernel::ocvec},
    {"lenet conv2 with bias", 6, 14, 14, {16, 5, 1, 0, true}, Conv2d::Kernel::ocvec},
    {"8 out channels (one vector), odd sizes, 3x3", 3, 9, 11, {8, 3, 1, 0, false}, Conv2d::Kernel::ocvec},
    {"24 out channels (16 + 8), padding 2", 2, 7, 9, {24, 5, 1, 2, true}, Conv2d::Kernel::ocvec},
    {"rows exactly 5 wide, 25 outputs", 1, 9, 9, {8, 5, 1, 0, true}, Conv2d::Kernel::ocvec},
    // 16-channel groups take AVX-512 blocks of two output rows where the CPU has them.
    {"16 out channels, odd output height (the last row pair overlaps), 3x3", 3, 9, 11, {16, 3, 1, 0, true},
     Conv2d::Kernel::ocvec},
    {"32 out channels (two groups of 16), padding 1, 7 wide", 2, 8, 7, {32, 3, 1, 1, false}, Conv2d::Kernel::ocvec},
    // The input grad along rows (AVX-512 builds) takes channels 6 at a time, rows up to 16 wide.
    {"7 channels (6 + 1), rows exactly 16 wide, 3x3", 7, 6, 16, {8, 3, 1, 0, true}, Conv2d::Kernel::ocvec},
    {"11 channels (6 + 5), odd height, padding 2", 11, 5, 12, {8, 5, 1, 2, false}, Conv2d::Kernel::ocvec},
    {"rows 17 wide: input grad by gemm", 2, 6, 17, {16, 3, 1, 0, true}, Conv2d::Kernel::ocvec},
    {"rows 4 wide: gemm", 1, 8, 8, {8, 5, 1, 0, true}, Conv2d::Kernel::gemm},
    {"one row of 5 (under 8 outputs): gemm", 2, 5, 9, {8, 5, 1, 0, false}, Conv2d::Kernel::gemm},
    {"12 out channels: gemm", 6, 14, 14, {12, 5, 1, 0, true}, Conv2d::Kernel::gemm},
    {"stride 2: gemm", 3, 11, 11, {16, 3, 2, 0, false}, Conv2d::Kernel::gemm},
    {"kernel 7: gemm", 2, 12, 12, {16, 7, 1, 0, false}, Conv2d::Kernel::gemm},
    {"lenet conv1 (6 out channels, 28 wide): direct", 1, 32, 32, {6, 5, 1, 0, false}, Conv2d::Kernel::direct},
    {"7 out channels (6 + 1), 3x3, padding 1, 17 wide: direct", 2, 5, 17, {7, 3, 1, 1, true}, Conv2d::Kernel::direct},
    {"4 out channels, 16 wide, 4 rows: direct", 3, 8, 20, {4, 5, 1, 0, true}, Conv2d::Kernel::direct},
};

float kernel_case_input(const Tensor& x, const KernelCase& c, long n, long ci, long ih, long iw) {
    const long h = static_cast<long>(c.h), w = static_cast<long>(c.w);
    if (ih < 0 || iw < 0 || ih >= h || iw >= w) return 0.0f;
    return x[static_cast<std::size_t>(((n * static_cast<long>(c.c_in) + ci) * h + ih) * w + iw)];
}

// The naive forward (with the ReLU when `relu`) and backward for dy: y, then the weight grad,
// the bias grad and dx, all accumulated in double. Loop letters as in naive_conv (test_layers).
struct KernelCaseRef {
    std::vector<double> y, gw, gb, dx;
};
KernelCaseRef kernel_case_reference(const KernelCase& c, const ParamSet& params, const Tensor& x, const Tensor& dy,
                                    const Shape& out, bool relu) {
    const long k = static_cast<long>(c.opt.kernel), s = static_cast<long>(c.opt.stride);
    const long p = static_cast<long>(c.opt.padding), c_in = static_cast<long>(c.c_in);
    const long batch = static_cast<long>(x.shape()[0]), oc = static_cast<long>(out[0]);
    const long oh_n = static_cast<long>(out[1]), ow_n = static_cast<long>(out[2]);
    const float* w = params.value(0);
    KernelCaseRef r;
    r.gw.assign(static_cast<std::size_t>(oc * c_in * k * k), 0.0);
    r.gb.assign(static_cast<std::size_t>(oc), 0.0);
    r.dx.assign(x.size(), 0.0);
    for (long n = 0; n < batch; ++n)
        for (long o = 0; o < oc; ++o)
            for (long oh = 0; oh < oh_n; ++oh)
                for (long ow = 0; ow < ow_n; ++ow) {
                    double sum = c.opt.bias ? params.value(1)[o] : 0.0;
                    for (long ci = 0; ci < c_in; ++ci)
                        for (long i = 0; i < k; ++i)
                            for (long j = 0; j < k; ++j)
                                sum += w[((o * c_in + ci) * k + i) * k + j] *
                                       kernel_case_input(x, c, n, ci, oh * s + i - p, ow * s + j - p);
                    if (relu && sum < 0) sum = 0;
                    r.y.push_back(sum);
                    const std::size_t at = static_cast<std::size_t>(((n * oc + o) * oh_n + oh) * ow_n + ow);
                    const double g = relu && sum <= 0 ? 0.0 : dy[at];
                    r.gb[static_cast<std::size_t>(o)] += g;
                    for (long ci = 0; ci < c_in; ++ci)
                        for (long i = 0; i < k; ++i)
                            for (long j = 0; j < k; ++j) {
                                const long ih = oh * s + i - p, iw = ow * s + j - p;
                                const std::size_t wi = static_cast<std::size_t>(((o * c_in + ci) * k + i) * k + j);
                                r.gw[wi] += g * kernel_case_input(x, c, n, ci, ih, iw);
                                if (ih >= 0 && iw >= 0 && ih < static_cast<long>(c.h) && iw < static_cast<long>(c.w))
                                    r.dx[static_cast<std::size_t>(((n * c_in + ci) * static_cast<long>(c.h) + ih) *
                                                                      static_cast<long>(c.w) + iw)] += g * w[wi];
                            }
                }
    return r;
}

void check_kernel_values(const char* what, const float* got, const std::vector<double>& want) {
    INFO(what);
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("[" << i << "]");
        REQUIRE(got[i] == Approx(want[i]).epsilon(1e-5).margin(1e-4));
    }
}

}  // namespace

TEST_CASE("conv2d picks the ocvec, direct or gemm kernel by shape", "[core][layers]") {
    for (const KernelCase& c : kKernelCases) {
        INFO(c.what);
        ParamSet params;
        const Conv2d conv(params, "conv", Shape{c.c_in, c.h, c.w}, c.opt);
        const bool ocvec = c.kernel == Conv2d::Kernel::ocvec;
        CHECK(conv.kernel() == (ocvec && !ocvec_available() ? Conv2d::Kernel::gemm : c.kernel));
        const bool rows_fit = c.w <= 16 && rowvec_input_grad_fits(ConvGeometry{c.c_in, c.h, c.w, c.opt.kernel,
                                                                              c.opt.stride, c.opt.padding, 0, 0});
        CHECK(conv.input_grad_by_rows() == (conv.kernel() == Conv2d::Kernel::ocvec && rows_fit));
    }
    ParamSet params;
    const Conv2d lenet_conv2(params, "conv2", Shape{6, 14, 14}, Conv2dOptions{16, 5});
#ifdef __AVX512F__
    CHECK(lenet_conv2.input_grad_by_rows());
#else
    CHECK_FALSE(lenet_conv2.input_grad_by_rows());
#endif
}

TEST_CASE("conv2d's kernels match a naive convolution: output, weight, bias and input grads", "[core][layers]") {
    for (const KernelCase& c : kKernelCases)
        for (const std::size_t batch : {1, 3})
            for (const bool relu : {false, true}) {
                INFO(c.what << ", batch " << batch << (relu ? ", ReLU fused" : ""));
                ParamSet params;
                Conv2d conv(params, "conv", Shape{c.c_in, c.h, c.w}, c.opt);
                if (relu) conv.fuse_relu();
                params.allocate();
                Rng rng(31, 1);
                for (std::size_t i = 0; i < params.total(); ++i) params.values()[i] = rng.uniform(-1.0f, 1.0f);
                Tensor x(batched(batch, conv.in_sample()));
                testing::fill_uniform(x, rng, -1.0f, 1.0f);
                conv.reserve(batch);
                const Tensor& y = conv.forward(x);
                Tensor dy(y.shape());
                testing::fill_uniform(dy, rng, -1.0f, 1.0f);
                const KernelCaseRef want = kernel_case_reference(c, params, x, dy, conv.out_sample(), relu);
                REQUIRE(y.size() == want.y.size());
                check_kernel_values("y", y.data(), want.y);
                params.zero_grad();
                const Tensor& dx = conv.backward(dy);
                check_kernel_values("weight grad", params.grad(0), want.gw);
                if (c.opt.bias) check_kernel_values("bias grad", params.grad(1), want.gb);
                REQUIRE(dx.size() == want.dx.size());
                check_kernel_values("dx", dx.data(), want.dx);
            }
}

TEST_CASE("a conv's 2x2 pool fused in infer gives forward's pooled output bit for bit, and training after it "
          "the same grads", "[core][layers]") {
    struct Stack {
        const char* what;
        Shape in;
        Conv2dOptions opt;
        bool relu;
        std::size_t pool_kernel;
    };
    // The direct and ocvec kernels with and without a ReLU between, odd output sides (the pool
    // drops the last row and column), the gemm kernel (not fused) and a 3x3 pool (not fused).
    const Stack stacks[] = {
        {"direct, relu", Shape{1, 32, 32}, {6, 5, 1, 0, true}, true, 2},
        {"ocvec, relu", Shape{6, 14, 14}, {16, 5, 1, 0, false}, true, 2},
        {"ocvec, no relu, 11x9 output", Shape{3, 13, 11}, {8, 3, 1, 0, true}, false, 2},
        {"direct, relu, 21 wide padded", Shape{2, 9, 19}, {3, 3, 1, 2, false}, true, 2},
        {"gemm, relu", Shape{2, 8, 8}, {4, 3, 1, 0, true}, true, 2},
        {"ocvec, 3x3 pool", Shape{6, 14, 14}, {16, 5, 1, 0, false}, true, 3},
    };
    for (const Stack& st : stacks) {
        INFO(st.what);
        Sequential net(st.in);
        net.add_with_params<Conv2d>("conv", st.opt);
        if (st.relu) net.add<ReLU>("relu");
        net.add<MaxPool2d>("pool", st.pool_kernel, /*stride=*/2);
        net.finalize();
        Rng rng(51, 1);
        for (std::size_t i = 0; i < net.params().total(); ++i) net.params().values()[i] = rng.uniform(-1.0f, 1.0f);
        const std::size_t batch = 5;
        net.reserve(batch);
        Tensor x(batched(batch, st.in));
        testing::fill_uniform(x, rng, -1.0f, 1.0f);
        Tensor dy(batched(batch, net.out_sample()));
        testing::fill_uniform(dy, rng, -1.0f, 1.0f);
        // A training step alone, then infer and a training step again: the same outputs and grads.
        const auto step = [&] {
            net.params().zero_grad();
            const Tensor& y = net.forward(x);
            std::vector<float> out(y.data(), y.data() + y.size());
            net.backward(dy);
            out.insert(out.end(), net.params().grads(), net.params().grads() + net.params().total());
            return out;
        };
        const std::vector<float> trained = step();
        const Tensor& inferred = net.infer(x);
        REQUIRE(inferred.shape() == batched(batch, net.out_sample()));
        CHECK(std::memcmp(inferred.data(), trained.data(), inferred.size() * sizeof(float)) == 0);
        const std::vector<float> again = step();
        CHECK(std::memcmp(again.data(), trained.data(), trained.size() * sizeof(float)) == 0);
    }
}
