// Optimizer steps and lr schedules against hand-computed values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/lr_schedule.hpp"
#include "core/optimizer.hpp"
#include "core/params.hpp"

using namespace trainctl;

namespace {
// One scalar parameter p with gradient g.
struct Scalar {
    ParamSet params;
    Scalar(float p, float g) {
        params.declare("w", Shape{1});
        params.allocate();
        params.values()[0] = p;
        params.grads()[0] = g;
    }
    float p() const { return params.values()[0]; }
};
OptimizerSpec spec_of(const std::string& type) {
    OptimizerSpec s;
    s.type = type;
    return s;
}
}  // namespace

TEST_CASE("sgd: p -= lr * (g + wd*p)", "[core][optim]") {
    Scalar s(1.0f, 0.5f);
    OptimizerSpec spec = spec_of("sgd");
    spec.weight_decay = 0.1f;
    auto opt = make_optimizer(spec, 1);
    opt->step(s.params, 0.1f);
    REQUIRE(s.p() == Approx(1.0 - 0.1 * (0.5 + 0.1)));
    REQUIRE(opt->step_count() == 1);
    REQUIRE(opt->slot_names().empty());
}

TEST_CASE("momentum: v = m*v + g; p -= lr*v (two steps)", "[core][optim]") {
    Scalar s(1.0f, 0.5f);
    auto opt = make_optimizer(spec_of("momentum"), 1);
    opt->step(s.params, 0.1f);
    REQUIRE(s.p() == Approx(0.95));
    REQUIRE(opt->slot(0)[0] == Approx(0.5));
    opt->step(s.params, 0.1f);
    REQUIRE(opt->slot(0)[0] == Approx(0.95));
    REQUIRE(s.p() == Approx(0.855));
    REQUIRE(opt->slot_names() == std::vector<std::string>{"momentum"});
}

TEST_CASE("momentum nesterov: p -= lr*(g + m*v)", "[core][optim]") {
    Scalar s(1.0f, 0.5f);
    OptimizerSpec spec = spec_of("momentum");
    spec.nesterov = true;
    auto opt = make_optimizer(spec, 1);
    opt->step(s.params, 0.1f);
    REQUIRE(s.p() == Approx(1.0 - 0.1 * (0.5 + 0.9 * 0.5)));
}

TEST_CASE("adam: bias-corrected steps as torch.optim.Adam", "[core][optim]") {
    Scalar s(1.0f, 0.5f);
    auto opt = make_optimizer(spec_of("adam"), 1);
    opt->step(s.params, 0.1f);
    // Step 1: m=0.05, v=0.00025, m_hat=0.5, v_hat=0.25 -> p -= 0.1 * 0.5/(0.5+eps).
    REQUIRE(opt->slot(0)[0] == Approx(0.05));
    REQUIRE(opt->slot(1)[0] == Approx(0.00025).epsilon(1e-4));  // 1-0.999 is inexact in float
    REQUIRE(s.p() == Approx(0.9).epsilon(1e-6));
    // Step 2 with g=-1: m=0.045-0.1=-0.055, v=0.00024975+0.001=0.00124975.
    s.params.grads()[0] = -1.0f;
    opt->step(s.params, 0.1f);
    double m_hat = -0.055 / (1 - 0.81), v_hat = 0.00124975 / (1 - 0.999 * 0.999);
    REQUIRE(s.p() == Approx(0.9 - 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8)).epsilon(1e-5));
    REQUIRE(opt->step_count() == 2);
}

TEST_CASE("unknown optimizer is a usage error naming the key", "[core][optim]") {
    REQUIRE_THROWS_WITH(make_optimizer(spec_of("rmsprop"), 1), Catch::Contains("optimizer") && Catch::Contains("rmsprop"));
}

TEST_CASE("lr schedules are functions of the global step", "[core][optim]") {
    ScheduleSpec constant;
    REQUIRE(lr_at(constant, 0.1f, 12345, 100, 1000) == 0.1f);

    ScheduleSpec step;
    step.lr_schedule = LrSchedule::kStep;
    step.lr_step_epochs = 2;
    step.lr_gamma = 0.5f;
    REQUIRE(lr_at(step, 0.1f, 199, 100, 1000) == Approx(0.1));
    REQUIRE(lr_at(step, 0.1f, 200, 100, 1000) == Approx(0.05));
    REQUIRE(lr_at(step, 0.1f, 450, 100, 1000) == Approx(0.025));

    ScheduleSpec cosine;
    cosine.lr_schedule = LrSchedule::kCosine;
    cosine.lr_min = 0.01f;
    REQUIRE(lr_at(cosine, 0.1f, 0, 100, 1000) == Approx(0.1));
    REQUIRE(lr_at(cosine, 0.1f, 500, 100, 1000) == Approx(0.055));
    REQUIRE(lr_at(cosine, 0.1f, 1000, 100, 1000) == Approx(0.01));
}

namespace {
// Two equal parameter sets of `n` floats with gradients, for comparing update paths bit for bit.
struct RangeArena {
    ParamSet params;
    explicit RangeArena(std::size_t n) {
        params.declare("w", Shape{n});
        params.allocate();
        for (std::size_t i = 0; i < n; ++i) {
            params.values()[i] = 0.5f - 0.001f * static_cast<float>(i % 997);
            params.grads()[i] = 0.003f * static_cast<float>(i % 31) - 0.04f;
        }
    }
};
}  // namespace

TEST_CASE("a step in ranges (a data-parallel rank's shard, block by block) is the whole step bit for bit",
          "[core][optim]") {
    const std::size_t n = 1000;
    for (const char* type : {"sgd", "momentum", "nesterov", "adam"}) {
        OptimizerSpec spec = spec_of(std::string(type) == "nesterov" ? "momentum" : type);
        spec.nesterov = std::string(type) == "nesterov";
        spec.weight_decay = 0.01f;
        RangeArena whole(n), parts(n);
        auto a = make_optimizer(spec, n), b = make_optimizer(spec, n);
        for (int step = 0; step < 3; ++step) {  // Adam's bias correction changes with the count
            a->step(whole.params, 0.05f);
            b->count_step();
            for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 300}, {300, 301}, {301, 700}, {700, n}})
                b->update_range(parts.params, 0.05f, begin, end, parts.params.grads() + begin);
        }
        INFO(type);
        REQUIRE(b->step_count() == 3);
        REQUIRE(std::memcmp(whole.params.values(), parts.params.values(), n * sizeof(float)) == 0);
        for (std::size_t s = 0; s < a->slot_count(); ++s) REQUIRE(std::memcmp(a->slot(s), b->slot(s), n * sizeof(float)) == 0);
    }
}

TEST_CASE("placed arenas and slots keep their values and go on working where they were put", "[core][optim]") {
    RangeArena arena(100);
    arena.params.reserve_grad_tail(3);
    auto opt = make_optimizer(spec_of("adam"), 100);
    opt->step(arena.params, 0.1f);
    const std::vector<float> before(arena.params.values(), arena.params.values() + 100);
    const std::vector<float> slot1(opt->slot(1), opt->slot(1) + 100);
    std::vector<float> values(100, -1.0f), grads(103, -1.0f), slots(200, -1.0f);
    arena.params.place(values.data(), grads.data(), true);
    opt->place_slots(slots.data());
    REQUIRE(arena.params.values() == values.data());
    REQUIRE(values == before);
    REQUIRE(std::equal(slot1.begin(), slot1.end(), slots.begin() + 100));
    arena.params.zero_grad();  // the tail too
    REQUIRE(std::all_of(grads.begin(), grads.end(), [](float g) { return g == 0.0f; }));
    opt->step(arena.params, 0.1f);  // reads and writes the placed arenas
    REQUIRE(opt->slot(0) == slots.data());
    REQUIRE(values != before);
    // copy_values false: the storage already holds the parameters (another rank put them there).
    RangeArena other(100);
    std::vector<float> grads2(100);
    other.params.place(values.data(), grads2.data(), false);
    REQUIRE(other.params.values()[0] == values[0]);
    REQUIRE(values != before);
}
