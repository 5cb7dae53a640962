// Forward+backward time of the LeNet5 and MLP layer stacks on random input; one JSON object per line.
// Usage: bench_layers [--threads 1] [--runs 5]. A step is zero_grad, forward, loss, backward; in the
// "infer" cases, forward only (what eval and infer run).
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "bench/flags.hpp"
#include "core/conv2d.hpp"
#include "core/flatten.hpp"
#include "core/gemm.hpp"
#include "core/linear.hpp"
#include "core/loss.hpp"
#include "core/maxpool2d.hpp"
#include "core/relu.hpp"
#include "core/rng.hpp"
#include "core/sequential.hpp"
#include "core/tensor.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kClasses = 10;
constexpr double kRunSeconds = 0.3;  // steps per run are sized to take about this long

// 1@32x32 -conv1-> 6@28x28 -pool-> 6@14x14 -conv2-> 16@10x10 -pool-> 16@5x5 -> 400 -> 120 -> 84 -> 10
std::unique_ptr<Sequential> lenet5() {
    auto net = std::make_unique<Sequential>(Shape{1, 32, 32});
    net->add_with_params<Conv2d>("conv1", Conv2dOptions{/*out_channels=*/6, /*kernel=*/5, 1, 0, /*bias=*/false});
    net->add<ReLU>("relu1");
    net->add<MaxPool2d>("pool1", /*kernel=*/2, /*stride=*/2);
    net->add_with_params<Conv2d>("conv2", Conv2dOptions{/*out_channels=*/16, /*kernel=*/5, 1, 0, /*bias=*/false});
    net->add<ReLU>("relu2");
    net->add<MaxPool2d>("pool2", /*kernel=*/2, /*stride=*/2);
    net->add<Flatten>("flatten");
    net->add_with_params<Linear>("fc1", /*out_features=*/120);
    net->add_with_params<Linear>("fc2", /*out_features=*/84);
    net->add_with_params<Linear>("fc3", kClasses);
    return net;
}

// 1@28x28 -> 784 -> 512 -> 512 -> 10
std::unique_ptr<Sequential> mlp() {
    auto net = std::make_unique<Sequential>(Shape{1, 28, 28});
    net->add<Flatten>("flatten");
    net->add_with_params<Linear>("fc1", 512);
    net->add<ReLU>("relu1");
    net->add_with_params<Linear>("fc2", 512);
    net->add<ReLU>("relu2");
    net->add_with_params<Linear>("fc3", kClasses);
    return net;
}

double seconds_of(const std::function<void()>& f, std::size_t times) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < times; ++i) f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Median ms per step (forward only unless `train`) over `runs` runs.
double median_ms_per_step(Sequential& net, std::size_t batch, bool train, int runs) {
    net.finalize();
    net.init_params(/*seed=*/1, InitSpec{});
    net.reserve(batch);
    SoftmaxCrossEntropy loss;
    loss.reserve(batch, kClasses);
    Tensor x(batched(batch, net.in_sample()));
    std::vector<std::uint8_t> labels(batch);
    Rng rng(2, 5);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(0.0f, 1.0f);
    for (auto& l : labels) l = static_cast<std::uint8_t>(rng.below(kClasses));
    const auto step = [&] {
        if (!train) {
            net.forward(x);
            return;
        }
        net.params().zero_grad();
        loss.forward(net.forward(x), labels.data());
        net.backward(loss.backward());
    };
    const auto steps = static_cast<std::size_t>(kRunSeconds / std::max(1e-6, seconds_of(step, 10) / 10)) + 1;
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) ms.push_back(seconds_of(step, steps) * 1e3 / static_cast<double>(steps));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("trainctl layer-stack benchmark");
    int threads = 1, runs = 5;
    flags.integer("--threads", threads, "engine and BLAS threads", 1, 64);
    flags.integer("--runs", runs, "runs per case (median)", 1, 1000);
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    set_num_threads(threads);

    struct Case {
        const char* net;
        std::size_t batch;
        bool train = true;
    };
    for (const Case& c : {Case{"lenet5", 32}, Case{"lenet5", 64}, Case{"lenet5", 256}, Case{"lenet5", 256, false},
                          Case{"lenet5", 1000, false}, Case{"mlp", 32}, Case{"mlp", 64}, Case{"mlp", 256}}) {
        auto net = std::string(c.net) == "lenet5" ? lenet5() : mlp();
        const double ms = median_ms_per_step(*net, c.batch, c.train, runs);
        const std::string mode = c.train ? "_" : "_infer_";
        nlohmann::json j = {{"bench", std::string("layers_") + c.net + mode + "b" + std::to_string(c.batch)},
                            {"median_ms_per_step", ms},
                            {"samples_per_s", static_cast<double>(c.batch) * 1e3 / ms},
                            {"runs", runs},
                            {"threads", num_threads()}};
        std::cout << j.dump() << std::endl;
    }
    return 0;
}
