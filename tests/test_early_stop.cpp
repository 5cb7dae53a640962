// Early stopping: Keras' EarlyStopping rule over TrainState, the trainer ending on it, and its
// state surviving the checkpoint's JSON.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/early_stop.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"
#include "synthetic.hpp"

using namespace trainctl;

namespace {

// Feeds one validation loss per epoch; returns the epoch (1-based) the rule stops at, 0 if none.
std::uint64_t early_stop_epoch_of(const std::vector<double>& losses, const EarlyStopSpec& spec, TrainState& s) {
    for (const double v : losses) {
        ++s.epoch;
        s.has_val = true;
        s.val_epoch = s.epoch;
        s.val_loss = v;
        if (early_stop_update(s, spec, Monitor::kValLoss)) return s.epoch;
    }
    return 0;
}

}  // namespace

TEST_CASE("early stopping stops after `patience` epochs without an improvement", "[core][early_stop]") {
    TrainState s;
    EarlyStopSpec spec{3, 0.001};
    // Best at epoch 4 (0.4); 0.3995 at epoch 6 is not better by more than 0.001.
    REQUIRE(early_stop_epoch_of({1.0, 0.7, 0.5, 0.4, 0.41, 0.3995, 0.45, 0.2}, spec, s) == 7);
    REQUIRE(s.stopped_early);
    REQUIRE(s.best_epoch == 4);
    REQUIRE(s.best_value == 0.4);
    REQUIRE(s.best_wait == 3);
    REQUIRE(early_stop_reason(s, spec) == "val_loss has not improved by more than 0.001 for 3 epochs (best 0.4000 at epoch 4)");
    TrainState t;
    REQUIRE(early_stop_epoch_of({1.0, 0.9, 0.8, 0.7}, spec, t) == 0);  // improving: never
    REQUIRE(t.best_wait == 0);
    TrainState u;
    REQUIRE(early_stop_epoch_of({1.0, 1.0}, {1, 0}, u) == 2);  // equal is no improvement
    REQUIRE(early_stop_reason(u, {1, 0}) == "val_loss has not improved for 1 epoch (best 1.0000 at epoch 1)");
}

TEST_CASE("early stopping: accuracy improves upwards, NaN never improves, another monitor starts afresh", "[core][early_stop]") {
    TrainState s;
    const EarlyStopSpec spec{2, 0};
    for (const double acc : {0.5, 0.6, 0.55}) {
        ++s.epoch;
        s.has_val = true;
        s.val_epoch = s.epoch;
        s.val_acc = acc;
        REQUIRE_FALSE(early_stop_update(s, spec, Monitor::kValAcc));
    }
    REQUIRE(s.best_value == 0.6);
    REQUIRE(s.best_wait == 1);
    // A resume that monitors val_loss: the accuracy's best means nothing to it.
    ++s.epoch;
    s.val_epoch = s.epoch;
    s.val_loss = 0.3;
    REQUIRE_FALSE(early_stop_update(s, spec, Monitor::kValLoss));
    REQUIRE(s.best_monitor == static_cast<std::uint8_t>(Monitor::kValLoss));
    REQUIRE(s.best_wait == 0);
    REQUIRE(s.best_epoch == 4);
    TrainState n;
    REQUIRE(early_stop_epoch_of({0.5, NAN, NAN}, spec, n) == 3);
    // No value for this epoch (test metrics of an earlier epoch): nothing changes.
    TrainState t;
    t.epoch = 2;
    t.has_metrics = true;
    t.metrics_epoch = 1;
    REQUIRE_FALSE(early_stop_update(t, spec, Monitor::kTestLoss));
    REQUIRE_FALSE(t.has_best);
}

TEST_CASE("the monitor names the validation metric with a split, else the test metric", "[core][early_stop]") {
    CHECK(resolved_monitor(Monitor::kAcc, true) == Monitor::kValAcc);
    CHECK(resolved_monitor(Monitor::kLoss, true) == Monitor::kValLoss);
    CHECK(resolved_monitor(Monitor::kAcc, false) == Monitor::kTestAcc);
    CHECK(resolved_monitor(Monitor::kLoss, false) == Monitor::kTestLoss);
    CHECK(resolved_monitor(Monitor::kTestAcc, true) == Monitor::kTestAcc);
    CHECK(higher_is_better(Monitor::kValAcc));
    CHECK_FALSE(higher_is_better(Monitor::kTestLoss));
}

TEST_CASE("validation metrics and the early-stopping state survive the checkpoint's JSON", "[core][early_stop]") {
    TrainState s;
    s.epoch = 5;
    s.global_step = 50;
    s.steps_per_epoch = 10;
    s.has_val = true;
    s.val_epoch = 5;
    s.val_acc = 0.875;
    s.val_loss = 0.3125;
    s.has_best = true;
    s.best_monitor = static_cast<std::uint8_t>(Monitor::kValAcc);
    s.best_value = 0.9;
    s.best_epoch = 3;
    s.best_wait = 2;
    const TrainState r = train_state_from_json(to_json(s), "x.ckpt");
    CHECK(r.has_val);
    CHECK(r.val_epoch == 5);
    CHECK(r.val_acc == 0.875);
    CHECK(r.val_loss == 0.3125);
    CHECK(r.has_best);
    CHECK(r.best_monitor == s.best_monitor);
    CHECK(r.best_value == 0.9);
    CHECK(r.best_epoch == 3);
    CHECK(r.best_wait == 2);
    CHECK_FALSE(r.stopped_early);
    nlohmann::json j = to_json(s);
    j["early_stop"]["monitor"] = "val_los";
    REQUIRE_THROWS_WITH(train_state_from_json(j, "x.ckpt"),
                        "x.ckpt: training state early_stop key \"monitor\" is \"val_los\", expected a metric name such as val_loss");
    // A state without them (every checkpoint before them) reads as none.
    const TrainState plain = train_state_from_json(to_json(TrainState{0, 0, 0, 10}), "y.ckpt");
    CHECK_FALSE(plain.has_val);
    CHECK_FALSE(plain.has_best);
}

namespace {

// Records what each epoch's end saw.
class EpochLog : public TrainHooks {
public:
    void on_epoch_end(const TrainState& s) override {
        val.push_back(s.has_val && s.val_epoch == s.epoch);
        test.push_back(s.has_metrics && s.metrics_epoch == s.epoch);
    }
    std::vector<bool> val, test;
};

}  // namespace

TEST_CASE("the trainer scores the validation set each epoch, stops early, and scores the test set then", "[core][early_stop]") {
    const LabeledImages train = testing::synthetic_bars(60, 1);
    const LabeledImages val = testing::synthetic_bars(20, 3);
    const LabeledImages test = testing::synthetic_bars(20, 2);
    RunConfig c;
    c.net.type = "mlp";
    c.net.hidden = {16};
    c.input.size = 12;
    c.batch_size = 10;
    c.epochs = 10;
    c.val_split = 0.25f;
    c.ckpt.monitor = Monitor::kLoss;
    c.early_stop = {2, 100.0};  // no loss falls by 100: the best stays epoch 1's
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    Trainer trainer(c, *net, *opt, train, &test);
    trainer.set_validation(&val);
    TrainState state;
    state.seed = c.seed;
    EpochLog log;
    REQUIRE(trainer.run(state, log) == TrainOutcome::kEarlyStopped);
    REQUIRE(state.epoch == 3);
    REQUIRE(state.stopped_early);
    REQUIRE(state.best_epoch == 1);
    REQUIRE(log.val == std::vector<bool>{true, true, true});
    REQUIRE(log.test == std::vector<bool>{false, false, true});
    // Off: all ten epochs, the test set only after the last.
    c.early_stop.patience = 0;
    TrainState full;
    full.seed = c.seed;
    EpochLog all;
    REQUIRE(trainer.run(full, all) == TrainOutcome::kFinished);
    REQUIRE(full.epoch == 10);
    REQUIRE(all.test == std::vector<bool>{false, false, false, false, false, false, false, false, false, true});
}
