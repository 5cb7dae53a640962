// The training loop: learns a small set, is bit-reproducible, and allocates nothing per step.
#include <catch2/catch.hpp>
#include <atomic>
#include <cstdlib>
#include <new>

#include "core/config.hpp"
#include "core/optimizer.hpp"
#include "core/params.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"
#include "sanitizer.hpp"
#include "synthetic.hpp"

// Counting replacements of the global allocation functions (whole test binary). AddressSanitizer
// brings its own operator new, which ours must not mix with, so a sanitizer build counts nothing.
// (TRAINCTL_TEST_ASAN: sanitizer.hpp.)
static std::atomic<std::size_t> g_allocations{0};
#ifndef TRAINCTL_TEST_ASAN
constexpr bool kCountingAllocations = true;
void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#else
constexpr bool kCountingAllocations = false;
#endif

using namespace trainctl;

namespace {

RunConfig small_config(const std::string& net) {
    RunConfig c;
    c.net.type = net;
    c.net.hidden = {32};
    c.net.conv_bias = true;
    c.input.size = net == "lenet5" ? 16 : 12;
    c.optimizer.type = "adam";
    c.lr = 0.01f;
    c.batch_size = 10;
    c.epochs = 15;
    c.seed = 7;
    return c;
}

// Records allocations between consecutive steps after the first epoch.
class AllocationProbe : public TrainHooks {
public:
    void on_step_end(const TrainState& s, float loss, std::size_t, std::size_t) override {
        losses.push_back(loss);
        std::size_t now = g_allocations.load();
        // Compare steps inside an epoch (epoch ends evaluate, which may log or allocate once).
        if (s.epoch >= 1 && s.step_in_epoch >= 2) max_step_allocations = std::max(max_step_allocations, now - last_);
        last_ = now;
    }
    std::vector<float> losses;
    std::size_t max_step_allocations = 0;

private:
    std::size_t last_ = 0;
};

struct Run {
    std::vector<float> losses;
    std::vector<float> weights;
    EvalResult final_eval;
    std::size_t max_step_allocations;
};

Run train_once(const RunConfig& c, const LabeledImages& train, const LabeledImages& test) {
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    Trainer trainer(c, *net, *opt, train, &test);
    AllocationProbe probe;
    probe.losses.reserve(10000);
    TrainState state;
    state.seed = c.seed;
    REQUIRE(trainer.run(state, probe) == TrainOutcome::kFinished);
    const float* w = net->params().values();
    return {probe.losses, std::vector<float>(w, w + net->params().total()), trainer.evaluate_test(),
            probe.max_step_allocations};
}

}  // namespace

TEST_CASE("a small MLP and LeNet5 learn the synthetic set to 100%", "[core][trainer]") {
    const LabeledImages train = testing::synthetic_bars(100, 1);
    const LabeledImages test = testing::synthetic_bars(50, 2);
    for (const std::string net : {"mlp", "lenet5"}) {
        INFO(net);
        Run r = train_once(small_config(net), train, test);
        REQUIRE(r.final_eval.acc == 1.0);
        REQUIRE(r.losses.back() < r.losses.front());
    }
}

TEST_CASE("the same seed gives bit-identical losses and weights", "[core][trainer]") {
    const LabeledImages train = testing::synthetic_bars(100, 1);
    const LabeledImages test = testing::synthetic_bars(20, 2);
    RunConfig c = small_config("lenet5");
    c.epochs = 2;
    Run a = train_once(c, train, test);
    Run b = train_once(c, train, test);
    REQUIRE(a.losses == b.losses);
    REQUIRE(a.weights == b.weights);
    c.seed = 8;
    Run other = train_once(c, train, test);
    REQUIRE(other.losses != a.losses);
}

TEST_CASE("no heap allocation inside a training step", "[core][trainer]") {
    if (!kCountingAllocations) {
        WARN("skipped: allocation counting is off in sanitizer builds");
        return;
    }
    const LabeledImages train = testing::synthetic_bars(100, 1);
    const LabeledImages test = testing::synthetic_bars(20, 2);
    for (const std::string net : {"mlp", "lenet5"}) {
        INFO(net);
        RunConfig c = small_config(net);
        c.epochs = 2;
        c.optimizer.type = "momentum";
        REQUIRE(train_once(c, train, test).max_step_allocations == 0);
    }
}

TEST_CASE("steps per epoch honour drop_remainder and train_limit", "[core][trainer]") {
    RunConfig c;
    c.batch_size = 32;
    REQUIRE(Trainer::steps_per_epoch(c, 60000) == 1875);
    c.batch_size = 64;
    REQUIRE(Trainer::steps_per_epoch(c, 60000) == 937);
    c.drop_remainder = false;
    REQUIRE(Trainer::steps_per_epoch(c, 60000) == 938);
    c.train_limit = 2000;
    REQUIRE(Trainer::steps_per_epoch(c, 60000) == 32);
}

namespace {
// Zeroes the gradients it is handed and counts the calls: a stand-in for an allreduce.
class ZeroingReduce : public GradReduce {
public:
    explicit ZeroingReduce(const ParamSet& params) : params_(params) {}
    void reduce(float* grads, std::size_t count, std::size_t counters) override {
        CHECK(grads == params_.grads());  // the whole arena, in place
        CHECK(count == params_.total());
        CHECK(counters == 0);  // one process: nothing else to sum
        std::fill(grads, grads + count, 0.0f);
        ++calls;
    }
    std::size_t calls = 0;

private:
    const ParamSet& params_;
};
}  // namespace

TEST_CASE("the trainer hands each step's gradients to its GradReduce before the update", "[core][trainer]") {
    const LabeledImages train = testing::synthetic_bars(100, 1);
    RunConfig c = small_config("mlp");
    c.eval = false;
    c.optimizer.type = "sgd";  // a zero gradient moves nothing
    c.epochs = 2;
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    const float* w = net->params().values();
    const std::vector<float> before(w, w + net->params().total());
    ZeroingReduce reduce(net->params());
    Trainer trainer(c, *net, *opt, train, nullptr, &reduce);
    TrainState state;
    state.seed = c.seed;
    TrainHooks none;
    REQUIRE(trainer.run(state, none) == TrainOutcome::kFinished);
    CHECK(reduce.calls == state.global_step);
    // Zeroed gradients: the update moved nothing.
    CHECK(std::vector<float>(w, w + net->params().total()) == before);
}
