// What checkpointing costs a training run: one LeNet5 epoch (1875 steps of 32, the tutorial's)
// with no checkpoints, with a save every N steps, and the same with --async-save. Timed in
// process around the training loop only (no start-up, no data loading), modes interleaved run by
// run so machine noise hits all three alike; the overhead per save is taken run by run against
// that run's no-save epoch, then the median. Epoch-to-epoch noise is large against 75 saves, so
// with --every 10 or more a second, local estimate is also given: every step is timed, and the
// steps just after a save are compared with the later steps of the same run, when no write is
// in flight (the "local" figures; the no-save run gives the estimate's noise floor). Prints one
// JSON object.
// Usage: bench_async_save [--data DIR] [--threads 2] [--runs 5] [--every 5] [--dir /tmp]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/flags.hpp"
#include "cmd/run/checkpointer.hpp"
#include "cmd/run/data_lookup.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

enum class Mode { kNone, kSync, kAsync };

// The local estimate needs saves far enough apart that half the positions see no write in flight.
constexpr long kLocalMinEvery = 10;

class SaveHooks : public TrainHooks {
public:
    SaveHooks(Checkpointer* checkpointer, std::size_t steps) : checkpointer_(checkpointer) {
        step_ends.reserve(steps);
    }
    void on_step_end(const TrainState& s, float, std::size_t, std::size_t) override {
        const auto t0 = Clock::now();
        step_ends.push_back(t0);
        if (!checkpointer_) return;
        checkpointer_->on_step_end(s);
        in_save_s += std::chrono::duration<double>(Clock::now() - t0).count();
    }
    // An epoch's last step saves here (after evaluation, which this bench leaves off).
    void on_epoch_end(const TrainState& s) override {
        if (!checkpointer_) return;
        const auto t0 = Clock::now();
        checkpointer_->on_epoch_end(s);
        in_save_s += std::chrono::duration<double>(Clock::now() - t0).count();
    }

    double in_save_s = 0;  // the training thread's time inside the save hook, measured directly
    std::vector<Clock::time_point> step_ends;  // [i]: the end of global step i + 1, before its save

private:
    Checkpointer* checkpointer_;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// What saving every `every` steps adds, from one run's own step times: the mean time from a
// step's end to the next one's, by position after the last save (0: the interval holding the save
// call), summed over positions, less the mean of the second half of the positions, where the
// write has long landed (~1 ms). Without saves it measures how far from 0 the method strays.
double local_overhead_s(const std::vector<Clock::time_point>& ends, long every) {
    std::vector<double> sum(static_cast<std::size_t>(every), 0.0), count(sum.size(), 0.0);
    for (std::size_t i = 1; i < ends.size(); ++i) {
        const std::size_t position = i % static_cast<std::size_t>(every);  // i: global step of ends[i - 1]
        sum[position] += std::chrono::duration<double>(ends[i] - ends[i - 1]).count();
        count[position] += 1;
    }
    double total = 0, tail = 0, tail_count = 0;
    for (std::size_t p = 0; p < sum.size(); ++p) {
        const double mean = sum[p] / count[p];
        total += mean;
        if (p >= sum.size() / 2) tail += mean, tail_count += 1;
    }
    return total - static_cast<double>(sum.size()) * tail / tail_count;
}

struct Epoch {
    double seconds = 0;   // the training loop, saves included
    double step_s = 0;    // the steps alone (TrainState::elapsed_s excludes the hooks)
    double in_save_s = 0; // inside the save hook
    std::size_t saves = 0;
    AsyncWriter::Stats writer;  // --async-save: the background thread's share
    double local_s = 0;   // local_overhead_s of this run
};

Epoch one_epoch(Mode mode, long every, const LabeledImages& train, const std::string& dir) {
    RunConfig c;
    c.net.type = "lenet5";
    c.input.size = 32;
    c.optimizer.type = "momentum";
    c.batch_size = 32;
    c.epochs = 1;
    c.eval = false;
    c.ckpt.save = mode == Mode::kNone ? SaveEvery{SaveEvery::Kind::kNever}
                                      : SaveEvery{SaveEvery::Kind::kSteps, static_cast<std::uint64_t>(every)};
    c.ckpt.keep_max = 3;
    c.ckpt.async_save = mode == Mode::kAsync;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    Trainer trainer(c, *net, *opt, train, nullptr);
    TrainState state;
    state.seed = c.seed;
    Checkpointer checkpointer(c, dir, "bench", *net, *opt, state, NoteSink{});
    SaveHooks hooks(mode == Mode::kNone ? nullptr : &checkpointer, Trainer::steps_per_epoch(c, train.count));
    const auto t0 = Clock::now();
    trainer.run(state, hooks);
    checkpointer.finish(state);  // the last write must land inside the timed region too
    Epoch e;
    e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    e.step_s = state.elapsed_s;
    e.in_save_s = hooks.in_save_s;
    e.writer = checkpointer.writer_stats();
    if (every >= kLocalMinEvery) e.local_s = local_overhead_s(hooks.step_ends, every);
    e.saves = mode == Mode::kNone ? 1 : (state.global_step + every - 1) / every;  // finish() saves once
    return e;
}

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("cost of checkpoint saves during training, sync and --async-save");
    std::string data, dir = "/tmp";
    int threads = 2, runs = 5;
    // Every 5 steps: five times the saves of every 25 against the same epoch-to-epoch noise,
    // and a write (~1.5 ms) still lands long before the next save is due (~6 ms).
    long every = 5;
    flags.text("--data", data, "MNIST folder (default lookup)");
    flags.integer("--threads", threads, "engine threads", 1, 64);
    flags.integer("--runs", runs, "runs per mode (median)", 1, 100);
    flags.integer("--every", every, "save every N steps", 1, 1875);
    flags.text("--dir", dir, "where the checkpoints go (the disk under test)");
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    try {
        set_num_threads(static_cast<std::size_t>(threads));
        const LabeledImages train = load_mnist_split(locate_mnist(data), "train");
        const std::string out = dir + "/trainctl-bench-async-" + std::to_string(::getpid());
        std::vector<double> none, sync, async, step_ms, sync_ms, async_ms, async_blocked_ms, async_in_call_ms, async_slower_ms,
            writer_cpu_ms, writer_wall_ms, none_local_ms, sync_local_ms, async_local_ms;
        std::size_t saves = 0;
        for (int r = 0; r < runs; ++r) {
            const Epoch n = one_epoch(Mode::kNone, every, train, out);
            const Epoch s = one_epoch(Mode::kSync, every, train, out);
            const Epoch a = one_epoch(Mode::kAsync, every, train, out);
            saves = s.saves - 1;  // the no-save run also writes its final checkpoint
            none.push_back(n.seconds), sync.push_back(s.seconds), async.push_back(a.seconds);
            step_ms.push_back(1e3 * n.step_s / 1875);
            sync_ms.push_back(1e3 * (s.seconds - n.seconds) / static_cast<double>(saves));
            async_ms.push_back(1e3 * (a.seconds - n.seconds) / static_cast<double>(saves));
            // The overhead in two parts: time the training thread spent in the save call (the
            // copy, and any wait for the previous write), and steps slowed by the writer's work.
            async_blocked_ms.push_back(1e3 * ((a.seconds - a.step_s) - (n.seconds - n.step_s)) / static_cast<double>(saves));
            async_in_call_ms.push_back(1e3 * a.in_save_s / static_cast<double>(saves));
            async_slower_ms.push_back(1e3 * (a.step_s - n.step_s) / static_cast<double>(saves));
            writer_cpu_ms.push_back(1e3 * a.writer.cpu_s / static_cast<double>(a.writer.jobs));
            writer_wall_ms.push_back(1e3 * a.writer.wall_s / static_cast<double>(a.writer.jobs));
            none_local_ms.push_back(1e3 * n.local_s), sync_local_ms.push_back(1e3 * s.local_s);
            async_local_ms.push_back(1e3 * a.local_s);
        }
        std::filesystem::remove_all(out);
        const double step = median(step_ms), async_per_save = median(async_ms);
        nlohmann::json local = nullptr;
        if (every >= kLocalMinEvery)
            local = {{"none_ms_per_save", median(none_local_ms)},
                     {"sync_ms_per_save", median(sync_local_ms)},
                     {"async_ms_per_save", median(async_local_ms)},
                     {"async_steps_per_save", median(async_local_ms) / step}};
        std::cout << nlohmann::json{{"bench", "ckpt_save_overhead"},
                                    {"runs", runs},
                                    {"threads", threads},
                                    {"every_steps", every},
                                    {"saves_per_epoch", saves},
                                    {"epoch_s_none", median(none)},
                                    {"epoch_s_sync", median(sync)},
                                    {"epoch_s_async", median(async)},
                                    {"step_ms", step},
                                    {"sync_ms_per_save", median(sync_ms)},
                                    {"async_ms_per_save", async_per_save},
                                    {"async_steps_per_save", async_per_save / step},
                                    {"async_ms_blocked_per_save", median(async_blocked_ms)},
                                    {"async_ms_in_save_call", median(async_in_call_ms)},
                                    {"async_ms_slower_steps_per_save", median(async_slower_ms)},
                                    {"async_writer_cpu_ms_per_save", median(writer_cpu_ms)},
                                    {"async_writer_wall_ms_per_save", median(writer_wall_ms)},
                                    {"local", local}}
                         .dump()
                  << std::endl;
    } catch (const Error& e) {
        std::cerr << "bench_async_save: error: " << e.what() << "\n";
        return e.exit_code();
    }
    return 0;
}
