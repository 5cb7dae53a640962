// Training and inference throughput of trainctl's engine; one JSON object per line.
// Usage: bench_train [--data DIR] [--threads 2] [--runs 3] [--steps-percent 100] [--cases A,B]
//                    [--scaling-pairs N]. Uses real MNIST when found, else random images.
// --steps-percent < 100 shortens every training case (a quick check of the tooling, not a
// measurement). --scaling-pairs N measures what the threads buy instead: each case N times on
// 1 thread and on --threads, alternately in this one process, and the median of the N ratios (a
// shared host's slow minutes then slow both sides of a pair, not one side of the ratio), with
// sgemm_ratio and lenet5_ratio, what independent single-threaded sgemms and LeNet5 inferences
// (one net a thread) on as many threads got in the same pairs: the host's bound at that moment.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "bench/flags.hpp"
#include "bench/host_units.hpp"
#include "cmd/run/data_lookup.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/net_cost.hpp"
#include "core/optimizer.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

// Timed inference passes over the test set per --runs (bench/compare.sh's peers take as many).
constexpr int kInferPassesPerRun = 3;

// Stops the loop after a fixed number of steps.
class StepLimit : public TrainHooks {
public:
    explicit StepLimit(std::uint64_t steps) : steps_(steps) {}
    bool stop_requested() override { return done_++ >= steps_; }

private:
    std::uint64_t steps_, done_ = 0;
};

LabeledImages random_images(std::size_t count) {
    LabeledImages d;
    d.count = count;
    d.rows = d.cols = 28;
    d.images.resize(count * 784);
    d.labels.resize(count);
    Rng rng(1, 5);
    for (auto& p : d.images) p = static_cast<std::uint8_t>(rng.below(256));
    for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(10));
    return d;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

RunConfig config_for(const std::string& net, std::size_t batch) {
    RunConfig c;
    c.net.type = net;
    c.input.size = net == "lenet5" ? 32 : 28;
    c.optimizer.type = net == "lenet5" ? "momentum" : "sgd";
    c.batch_size = batch;
    c.epochs = 1000;  // the step limit ends each run
    c.eval = false;
    return c;
}

// Median seconds of `runs` runs of `steps` training steps (fresh net each run, same seed).
double time_training(const RunConfig& c, const LabeledImages& train, std::uint64_t steps, int runs) {
    std::vector<double> seconds;
    for (int r = 0; r < runs; ++r) {
        auto net = build_net(c.net, c.input);
        net->init_params(c.seed, InitSpec{});
        auto opt = make_optimizer(c.optimizer, net->params().total());
        Trainer trainer(c, *net, *opt, train, nullptr);
        StepLimit limit(steps);
        TrainState state;
        state.seed = c.seed;
        const auto t0 = Clock::now();
        trainer.run(state, limit);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return median(seconds);
}

// Median seconds of one inference pass over `test` at batch `batch`, of kInferPassesPerRun * runs
// timed passes (fresh net, same seed). A pass takes about 0.05 s, which one hiccup of a shared
// host skews: one untimed pass first (first touch of the buffers), then the timed ones.
double time_inference(std::size_t batch, const LabeledImages& test, int runs) {
    RunConfig c = config_for("lenet5", batch);
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    net->reserve(batch);
    Evaluator evaluator(c.input, test.rows, test.cols, batch, net->out_sample().numel());
    evaluator.run(*net, test);
    std::vector<double> seconds;
    for (int r = 0; r < kInferPassesPerRun * runs; ++r) {
        const auto t0 = Clock::now();
        evaluator.run(*net, test);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return median(seconds);
}

// What the host lets the threads do at this moment: one work unit (bench/host_units.hpp) per
// engine thread, all running at once, `calls` each, each thread its own copy; the rate of all
// together. The scaling pairs measure it next to each case: a shared host sometimes gives 2 vCPUs
// much less than twice one (measured: pairs of LeNet5 runs at 1.5x in one 5-minute stretch, 1.95x
// in the next). SgemmUnit: sgemm GFLOP/s; LeNetUnit: LeNet5 inference images/s, the cases' own,
// memory-heavier work.
template <class Unit>
class HostProbe {
public:
    // Units for up to `threads` threads, built with one engine thread configured.
    HostProbe(std::size_t threads, int calls) : calls_(calls) {
        const int was = num_threads();
        set_num_threads(1);
        for (std::size_t t = 0; t < threads; ++t) units_.push_back(make_unit(t));
        set_num_threads(was);
    }
    double rate() {
        const std::size_t threads = std::min(reserve_threads(), units_.size());
        std::vector<double> counted(threads, 0.0);
        const auto t0 = Clock::now();
        parallel_for(threads, [&](std::size_t t) {
            for (int r = 0; r < calls_; ++r) counted[t] += units_[t]->run();
        });
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        double total = 0;
        for (double c : counted) total += c;
        return total / s;
    }

private:
    static std::unique_ptr<Unit> make_unit(std::size_t t) {
        if constexpr (std::is_constructible_v<Unit, std::uint64_t>) return std::make_unique<Unit>(t);
        else return std::make_unique<Unit>();
    }
    int calls_;
    std::vector<std::unique_ptr<Unit>> units_;
};

void emit(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

// The case's FLOPs per sample, as `trainctl summary` counts them (core/net_cost.hpp): compare.sh
// turns samples/s into GFLOP/s with them.
NetCost cost_of(const RunConfig& c) { return net_cost(*build_net(c.net, c.input)); }

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("trainctl training benchmark");
    std::string data;
    std::string only;
    int threads = 2, runs = 3, steps_percent = 100, scaling_pairs = 0;
    flags.text("--data", data, "MNIST folder (default lookup, else random images)");
    flags.text("--cases", only, "only these cases, comma-separated (e.g. train_lenet5_b256,infer_lenet5_b256)");
    flags.integer("--threads", threads, "threads", 1, 64);
    flags.integer("--runs", runs, "runs per case (median)", 1, 1000);
    flags.integer("--steps-percent", steps_percent, "training steps per case, % of the full count", 1, 100);
    flags.integer("--scaling-pairs", scaling_pairs,
                  "instead: N alternate runs on 1 thread and on --threads, the median ratio per case", 0, 1000);
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    set_num_threads(threads);
    const std::string known = ",train_lenet5_b32,train_lenet5_b256,train_mlp_b64,train_mlp_b256,infer_lenet5_b256,"
                              "infer_lenet5_b1000,";
    for (std::size_t at = 0; !only.empty() && at <= only.size();) {
        const std::size_t end = std::min(only.find(',', at), only.size());
        if (known.find("," + only.substr(at, end - at) + ",") == std::string::npos) {
            std::cerr << "bench_train: --cases: unknown case '" << only.substr(at, end - at) << "' (known: "
                      << known.substr(1, known.size() - 2) << ")\n";
            return 2;
        }
        at = end + 1;
    }
    const auto wanted = [&only](const std::string& name) {
        return only.empty() || ("," + only + ",").find("," + name + ",") != std::string::npos;
    };

    LabeledImages train, test;
    std::string source = "mnist";
    try {
        MnistFiles files = locate_mnist(data);
        train = load_mnist_split(files, "train");
        test = load_mnist_split(files, "test");
    } catch (const Error&) {
        source = "random";
        train = random_images(60000);
        test = random_images(10000);
    }

    struct Case { std::string net; std::size_t batch; std::uint64_t steps; };
    const std::vector<Case> cases = {{"lenet5", 32, 1875}, {"lenet5", 256, 234}, {"mlp", 64, 937}, {"mlp", 256, 234}};
    const auto steps_of = [&](const Case& k) {
        return std::max<std::uint64_t>(1, k.steps * static_cast<std::uint64_t>(steps_percent) / 100);
    };
    if (scaling_pairs > 0) {
        // Each pair: one run on 1 thread, then one on --threads (the engine's threads restart),
        // each next to the sgemm probe at the same thread count.
        HostProbe<SgemmUnit> probe(static_cast<std::size_t>(threads), 50);        // about 0.15 s
        HostProbe<LeNetUnit> lenet_probe(static_cast<std::size_t>(threads), 300);  // about 0.1 s
        const auto scaling = [&](const std::string& name, const std::function<double()>& rate) {
            std::vector<double> one, many, ratios, sgemm_ratios, lenet5_ratios;
            for (int p = 0; p < scaling_pairs; ++p) {
                set_num_threads(1);
                const double sgemm_one = probe.rate();
                const double lenet5_one = lenet_probe.rate();
                one.push_back(rate());
                set_num_threads(threads);
                const double sgemm_many = probe.rate();
                const double lenet5_many = lenet_probe.rate();
                many.push_back(rate());
                ratios.push_back(many.back() / one.back());
                sgemm_ratios.push_back(sgemm_many / sgemm_one);
                lenet5_ratios.push_back(lenet5_many / lenet5_one);
            }
            emit({{"bench", "threads_scaling_" + name}, {"threads", threads}, {"one_thread", median(one)},
                  {"n_threads", median(many)}, {"ratio", median(ratios)},
                  {"ratio_min", *std::min_element(ratios.begin(), ratios.end())},
                  {"ratio_max", *std::max_element(ratios.begin(), ratios.end())},
                  {"sgemm_ratio", median(sgemm_ratios)}, {"lenet5_ratio", median(lenet5_ratios)},
                  {"pairs", scaling_pairs}, {"data", source}});
        };
        for (const auto& k : cases) {
            const std::string name = "train_" + k.net + "_b" + std::to_string(k.batch);
            if (!wanted(name)) continue;
            const RunConfig c = config_for(k.net, k.batch);
            const std::uint64_t steps = steps_of(k);
            scaling(name, [&] { return static_cast<double>(steps * k.batch) / time_training(c, train, steps, 1); });
        }
        for (std::size_t batch : {256, 1000}) {
            const std::string name = "infer_lenet5_b" + std::to_string(batch);
            if (wanted(name))
                scaling(name, [&] { return static_cast<double>(test.count) / time_inference(batch, test, 1); });
        }
        return 0;
    }

    for (const auto& k : cases) {
        if (!wanted("train_" + k.net + "_b" + std::to_string(k.batch))) continue;
        RunConfig c = config_for(k.net, k.batch);
        const std::uint64_t steps = steps_of(k);
        double s = time_training(c, train, steps, runs);
        double samples = static_cast<double>(steps * k.batch);
        emit({{"bench", "train_" + k.net + "_b" + std::to_string(k.batch)}, {"samples_per_s", samples / s},
              {"median_s", s}, {"steps", steps}, {"runs", runs}, {"threads", threads}, {"data", source},
              {"train_flops_per_sample", cost_of(c).train_flops}});
        if (k.net == "lenet5" && k.batch == 32)  // 1875 steps of 32 = the tutorial's epoch
            emit({{"bench", "lenet5_mnist_epoch"}, {"median_s", s}, {"steps", steps}, {"runs", runs},
                  {"threads", threads}});
    }

    // Inference: the whole test set, LeNet5, batch 256 and 1000 (the last batch of 256 is partial).
    for (std::size_t batch : {256, 1000}) {
        if (!wanted("infer_lenet5_b" + std::to_string(batch))) continue;
        const double s = time_inference(batch, test, runs);
        emit({{"bench", "infer_lenet5_b" + std::to_string(batch)}, {"images_per_s", static_cast<double>(test.count) / s},
              {"median_s", s}, {"runs", kInferPassesPerRun * runs}, {"threads", threads},
              {"forward_flops_per_sample", cost_of(config_for("lenet5", batch)).forward_flops}});
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    emit({{"bench", "peak_rss"}, {"mb", static_cast<double>(usage.ru_maxrss) / 1024.0}});
    return 0;
}
