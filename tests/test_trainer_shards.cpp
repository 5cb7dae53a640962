// Data-parallel steps without MPI: two trainers on two threads, summing through an in-process GradReduce.
#include <catch2/catch.hpp>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/gemm.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"
#include "synthetic.hpp"

using namespace trainctl;

namespace {

// What MPI_Allreduce(SUM) does for two ranks, between two threads of one process.
struct TwoRankSum {
    std::mutex m;
    std::condition_variable cv;
    std::vector<float> sum, result;
    int arrived = 0;
    unsigned generation = 0;

    void allreduce(float* buf, std::size_t n) {
        std::unique_lock<std::mutex> lock(m);
        if (arrived == 0) sum.assign(buf, buf + n);
        else
            for (std::size_t i = 0; i < n; ++i) sum[i] += buf[i];  // two terms: the same sum either way
        const unsigned gen = generation;
        if (++arrived == 2) {
            result = sum;
            arrived = 0;
            ++generation;
            cv.notify_all();
        } else {
            cv.wait(lock, [&] { return generation != gen; });
        }
        std::copy(result.begin(), result.begin() + static_cast<long>(n), buf);
    }
};

class ThreadReduce final : public GradReduce {
public:
    ThreadReduce(TwoRankSum& bus, std::size_t rank) : bus_(bus), rank_(rank) {}
    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return 2; }
    void reduce(float* grads, std::size_t count, std::size_t counters) override {
        bus_.allreduce(grads, count + counters);
        ++calls;
    }
    std::size_t calls = 0;

private:
    TwoRankSum& bus_;
    std::size_t rank_;
};

RunConfig shard_config() {
    RunConfig c;
    c.net.type = "mlp";
    c.net.hidden = {32};
    c.input.size = 12;
    c.optimizer.type = "momentum";
    c.lr = 0.05f;
    c.batch_size = 10;
    c.epochs = 2;
    c.seed = 7;
    c.eval = false;
    c.drop_remainder = false;  // 95 images: a last batch of 5, split 2 + 3
    c.train_limit = 95;
    return c;
}

struct Trained {
    std::vector<float> values;
    std::vector<float> losses;
    TrainState state;
};

class LossLog : public TrainHooks {
public:
    void on_step_end(const TrainState&, float loss, std::size_t, std::size_t) override { losses.push_back(loss); }
    std::vector<float> losses;
};

Trained train(const RunConfig& c, const LabeledImages& data, GradReduce* reduce) {
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    Trainer trainer(c, *net, *opt, data, nullptr, reduce);
    Trained t;
    t.state.seed = c.seed;
    LossLog log;
    REQUIRE(trainer.run(t.state, log) == TrainOutcome::kFinished);
    t.values.assign(net->params().values(), net->params().values() + net->params().total());
    t.losses = log.losses;
    return t;
}

}  // namespace

TEST_CASE("two ranks' shard steps reach the one-process update up to summation order", "[core][trainer]") {
    set_num_threads(1);
    const LabeledImages data = testing::synthetic_bars(100, 1);
    const RunConfig c = shard_config();
    const Trained one = train(c, data, nullptr);

    TwoRankSum bus;
    ThreadReduce r0(bus, 0), r1(bus, 1);
    Trained two0, two1;
    std::thread t1([&] { two1 = train(c, data, &r1); });
    two0 = train(c, data, &r0);
    t1.join();

    CHECK(r0.calls == one.state.global_step);
    CHECK(two0.state.global_step == one.state.global_step);
    // Both ranks hold the same parameters, bit for bit, and saw the same global losses.
    CHECK(two0.values == two1.values);
    CHECK(two0.losses == two1.losses);
    REQUIRE(two0.values.size() == one.values.size());
    for (std::size_t i = 0; i < one.values.size(); ++i)
        REQUIRE(std::fabs(two0.values[i] - one.values[i]) <= 1e-5f + 1e-4f * std::fabs(one.values[i]));
    REQUIRE(two0.losses.size() == one.losses.size());
    for (std::size_t i = 0; i < one.losses.size(); ++i) REQUIRE(two0.losses[i] == Approx(one.losses[i]).epsilon(1e-5));
}
