// Engine threads: every chunk runs once, and a net gives the same answers on 1 and 2 threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>
#include <catch2/catch.hpp>

#include "core/conv2d.hpp"
#include "core/flatten.hpp"
#include "core/gemm.hpp"
#include "core/linear.hpp"
#include "core/maxpool2d.hpp"
#include "core/parallel.hpp"
#include "core/relu.hpp"
#include "core/rng.hpp"
#include "core/sequential.hpp"
#include "core/tensor.hpp"
#include "gradcheck.hpp"

using namespace trainctl;

namespace {

// Restores one thread however the test ends: the thread count is process-wide.
struct Threads {
    explicit Threads(int n) { set_num_threads(n); }
    ~Threads() {
        set_num_threads(1);
        reserve_threads();
    }
};

// LeNet5's stack on 1x28x28 with conv1 padding 2: big enough at batch 7 that every layer splits its work.
std::unique_ptr<Sequential> lenet() {
    auto net = std::make_unique<Sequential>(Shape{1, 28, 28});
    net->add_with_params<Conv2d>("conv1", Conv2dOptions{6, 5, /*stride=*/1, /*padding=*/2});
    net->add<ReLU>("relu1");
    net->add<MaxPool2d>("pool1", 2, 2);
    net->add_with_params<Conv2d>("conv2", Conv2dOptions{16, 5});
    net->add<ReLU>("relu2");
    net->add<MaxPool2d>("pool2", 2, 2);
    net->add<Flatten>("flatten");
    net->add_with_params<Linear>("fc1", 120);
    net->add<ReLU>("relu3");
    net->add_with_params<Linear>("fc2", 10);
    net->finalize();
    net->init_params(3, InitSpec{});
    return net;
}

struct StepResult {
    std::vector<float> y, grads;
};

// One forward/backward of a fresh net on fixed input, at the current thread count.
StepResult lenet_step(std::size_t batch) {
    auto net = lenet();
    net->reserve(batch);
    Tensor x(batched(batch, net->in_sample()));
    Rng rng(4, 1);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);
    const Tensor& y = net->forward(x);
    StepResult r{std::vector<float>(y.data(), y.data() + y.size()), {}};
    net->params().zero_grad();
    net->backward(y);
    r.grads.assign(net->params().grads(), net->params().grads() + net->params().total());
    return r;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    float d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d;
}

}  // namespace

TEST_CASE("chunk_range splits 0..n into contiguous near-equal ranges", "[core][parallel]") {
    CHECK(chunk_range(7, 2, 0).begin == 0);
    CHECK(chunk_range(7, 2, 0).end == 3);
    CHECK(chunk_range(7, 2, 1).begin == 3);
    CHECK(chunk_range(7, 2, 1).end == 7);
    CHECK(chunk_range(1, 3, 0).end == 0);  // more chunks than items: some are empty
    CHECK(chunk_range(1, 3, 2).begin == 0);
    CHECK(chunk_range(1, 3, 2).end == 1);
}

TEST_CASE("batch_chunks: one on one thread, else up to 8 a thread of at least 16 rows", "[core][parallel]") {
    CHECK(batch_chunks(256, 1) == 1);
    CHECK(batch_chunks(7, 2) == 2);  // fewer rows than 16 a thread: one chunk a thread
    CHECK(batch_chunks(32, 2) == 2);
    CHECK(batch_chunks(64, 2) == 4);
    CHECK(batch_chunks(256, 2) == 16);
    CHECK(batch_chunks(1000, 2) == 16);
    CHECK(batch_chunks(1000, 3) == 24);
}

TEST_CASE("parallel_for runs every chunk exactly once, on a thread below the thread count", "[core][parallel]") {
    Threads three(3);
    REQUIRE(reserve_threads() == 3);
    for (Steal steal : {Steal::leave_last, Steal::any})
        for (std::size_t chunks : {1, 2, 3, 5, 16, 64, 1000}) {
            std::vector<int> runs(chunks, 0);
            std::vector<std::size_t> worker_of(chunks, 0);
            for (int rep = 0; rep < 100; ++rep)
                parallel_for_workers(
                    chunks,
                    [&](std::size_t c, std::size_t worker) {
                        ++runs[c];
                        worker_of[c] = std::max(worker_of[c], worker);
                    },
                    steal);
            CHECK(runs == std::vector<int>(chunks, 100));
            CHECK(*std::max_element(worker_of.begin(), worker_of.end()) < 3);
        }
}

TEST_CASE("Steal::any: a thread stuck in its block's first chunk gets its last one taken", "[core][parallel]") {
    // 4 chunks on 2 threads: the caller's block is {0, 1}, the worker's {2, 3}. Chunk 0 waits for
    // chunk 1, so only the other thread can run it; Steal::leave_last would leave it to the caller
    // once chunk 0 has started (and the wait below would end on its time limit instead).
    Threads two(2);
    REQUIRE(reserve_threads() == 2);
    for (int rep = 0; rep < 20; ++rep) {
        std::atomic<bool> chunk1_done{false};
        std::atomic<bool> waited_out{false};
        parallel_for_workers(
            4,
            [&](std::size_t c, std::size_t /*worker*/) {
                if (c == 1) chunk1_done.store(true);
                if (c != 0) return;
                // A liveness guard, not a measurement: chunk 1 normally lands within microseconds.
                const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
                while (!chunk1_done.load()) {
                    if (std::chrono::steady_clock::now() > give_up) {
                        waited_out.store(true);
                        return;
                    }
                    std::this_thread::yield();  // the other thread may share this core (a busy CI runner)
                }
            },
            Steal::any);
        REQUIRE_FALSE(waited_out.load());
    }
}

TEST_CASE("a net on 2 engine threads matches 1 thread and repeats bit for bit", "[core][parallel]") {
    // Batch 7: one chunk a thread, of different sizes; 256: 16 chunks, taken by whichever thread
    // is free, their grad partials added in chunk order.
    for (std::size_t batch : {7, 256}) {
        const StepResult one = lenet_step(batch);
        Threads two(2);
        const StepResult a = lenet_step(batch);
        CHECK(max_abs_diff(a.y, one.y) < 1e-5);
        CHECK(max_abs_diff(a.grads, one.grads) < 1e-4);
        for (int rep = 0; rep < 5; ++rep) {  // the threads take different chunks each time
            const StepResult b = lenet_step(batch);
            CHECK(a.y == b.y);
            CHECK(a.grads == b.grads);
        }
    }
}

namespace {

// One forward/backward of a Linear layer (in -> out) on fixed input at the current thread count:
// the input grad and the parameter grads.
struct LinearStep {
    bool by_batch;
    std::vector<float> dx, grads;
};
LinearStep linear_step(std::size_t batch, std::size_t in, std::size_t out) {
    ParamSet params;
    Linear fc(params, "fc", Shape{in}, out);
    params.allocate();
    Rng rng(21, 1);
    for (std::size_t i = 0; i < params.total(); ++i) params.values()[i] = rng.uniform(-1.0f, 1.0f);
    Tensor x(Shape{batch, in});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);
    fc.reserve(batch);
    const Tensor& y = fc.forward(x);
    Tensor dy(y.shape());
    for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = rng.uniform(-1.0f, 1.0f);
    params.zero_grad();
    const Tensor& dx = fc.backward(dy);
    return {fc.grads_by_batch(), std::vector<float>(dx.data(), dx.data() + dx.size()),
            std::vector<float>(params.grads(), params.grads() + params.total())};
}

}  // namespace

TEST_CASE("linear's weight grad by batch rows on 2 threads: chosen when the batch outweighs W, and right",
          "[core][parallel]") {
    // Batch 9 x (12 in + 5 out) floats against 60 weights: by batch rows; the odd batch makes the
    // chunks differ in size. Batch 3 x 17 < 60: by output rows, as on 1 thread.
    const LinearStep one = linear_step(9, 12, 5);
    CHECK_FALSE(one.by_batch);
    Threads two(2);
    const LinearStep a = linear_step(9, 12, 5);
    const LinearStep b = linear_step(9, 12, 5);
    CHECK(a.by_batch);
    CHECK_FALSE(linear_step(3, 12, 5).by_batch);
    CHECK(a.dx == one.dx);  // dx is one sum per float in the same order, however it is split
    CHECK(max_abs_diff(a.grads, one.grads) < 1e-5);
    CHECK(a.grads == b.grads);

    // Against finite differences, with and without bias, at 2 threads and by batch rows.
    CHECK(trainctl::testing::check_linear_gradients(/*batch=*/7, /*in=*/6, /*out=*/3, /*seed=*/22));
}

TEST_CASE("a net's infer on 2 threads, one job a batch, gives forward's outputs bit for bit", "[core][parallel]") {
    Threads two(2);
    // LeNet's stack (convs with their ReLU and 2x2 pool fused in infer, a plain ReLU after fc1),
    // and a gemm-kernel conv (3 out channels) under a 3x3 pool that infer runs on its own.
    auto gemm_conv = [] {
        auto net = std::make_unique<Sequential>(Shape{2, 9, 9});
        net->add_with_params<Conv2d>("conv", Conv2dOptions{3, 3});
        net->add<MaxPool2d>("pool", 3, 2);
        net->add<Flatten>("flatten");
        net->add_with_params<Linear>("fc", 4);
        net->finalize();
        net->init_params(5, InitSpec{});
        return net;
    };
    for (std::size_t batch : {7, 1, 256}) {
        for (int which = 0; which < 2; ++which) {
            INFO("batch " << batch << (which == 0 ? ", lenet" : ", gemm conv + 3x3 pool"));
            auto net = which == 0 ? lenet() : gemm_conv();
            net->reserve(batch);
            Tensor x(batched(batch, net->in_sample()));
            Rng rng(6, 1);
            for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);
            const Tensor& y = net->forward(x);
            const std::vector<float> trained(y.data(), y.data() + y.size());
            const Shape shape = y.shape();
            Tensor other(x.shape());  // overwrites every buffer: infer must write all its rows
            for (std::size_t i = 0; i < other.size(); ++i) other[i] = rng.uniform(-1.0f, 1.0f);
            net->forward(other);
            const Tensor& inferred = net->infer(x);
            REQUIRE(inferred.shape() == shape);
            CHECK(std::vector<float>(inferred.data(), inferred.data() + inferred.size()) == trained);
        }
    }
}
