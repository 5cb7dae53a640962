// What the host gives this process's CPUs at this moment, one JSON line per workload: each
// allowed CPU's speed alone (one thread pinned to it, the others idle), then with all of them
// running at once. Workloads: "sgemm", a single-threaded 512^3 sgemm (GFLOP/s), and
// "lenet5_infer", trainctl's own LeNet5 inference at batch 64 on one thread (images/s).
// A shared host sometimes makes two vCPUs two hyperthreads of one core, or lets another guest
// share one of their cores, for minutes at a time; memory-heavy work (LeNet5) then loses more
// than sgemm. compare.sh's thread scaling reads against "threads_bound": the CPUs' rates together
// over the best one's alone, the most N threads could get over one at that moment.
// Usage: bench_host [--ms 300]
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/flags.hpp"
#include "bench/host_units.hpp"
#include "core/gemm.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

// The CPUs this process may run on.
std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
}

// One CPU's copy of a workload (bench/host_units.hpp): each call does one unit of work and
// returns what it counts (GFLOPs, images). Built on the main thread with one engine thread set.
using Unit = std::function<double()>;

template <class U, class... Args>
Unit unit_of(Args... args) {
    auto u = std::make_shared<U>(args...);
    return [u] { return u->run(); };
}

// Each listed CPU runs its unit from the same start for `ms`; their rates (per second).
std::vector<double> rates_on(const std::vector<int>& cpus, std::vector<Unit>& units, int ms) {
    std::vector<double> result(cpus.size(), 0.0);
    std::atomic<std::size_t> ready{0};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        threads.emplace_back([&, i] {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpus[i], &set);
            pthread_setaffinity_np(pthread_self(), sizeof set, &set);
            units[i]();  // warm: first touch of its buffers
            ready.fetch_add(1);
            while (ready.load() < cpus.size()) std::this_thread::yield();
            const auto t0 = Clock::now(), end = t0 + std::chrono::milliseconds(ms);
            double done = 0;
            while (Clock::now() < end) done += units[i]();
            result[i] = done / std::chrono::duration<double>(Clock::now() - t0).count();
        });
    }
    for (auto& t : threads) t.join();
    return result;
}

nlohmann::json measure(const std::string& name, const std::string& unit_name, const std::function<Unit()>& make,
                       const std::vector<int>& cpus, int ms) {
    std::vector<Unit> units;
    for (std::size_t i = 0; i < cpus.size(); ++i) units.push_back(make());
    std::vector<double> alone;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        std::vector<Unit> one{units[i]};
        alone.push_back(rates_on({cpus[i]}, one, ms)[0]);
    }
    const std::vector<double> together = rates_on(cpus, units, ms);
    std::vector<double> speed;
    double sum = 0;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        speed.push_back(together[i] / alone[i]);
        sum += together[i];
    }
    return {{"bench", "host_cpus"},     {"workload", name},  {"unit", unit_name},
            {"cpus", cpus},             {"alone", alone},    {"together", together},
            {"together_speed", speed},  {"threads_bound", sum / *std::max_element(alone.begin(), alone.end())},
            {"ms", ms}};
}

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("what the host gives this process's CPUs now: each one's speed alone, then with all running");
    int ms = 300;
    flags.integer("--ms", ms, "milliseconds per measurement", 10, 60000);
    if (const int code = flags.parse(argc, argv); code >= 0) return code;
    set_num_threads(1);  // OpenBLAS and the engine single-threaded: each pinned thread runs its own copy
    const std::vector<int> cpus = allowed_cpus();
    if (cpus.empty()) {
        std::cerr << "bench_host: sched_getaffinity failed\n";
        return 1;
    }
    std::cout << measure("sgemm", "GFLOP/s", [] { return unit_of<SgemmUnit>(); }, cpus, ms).dump() << std::endl;
    std::size_t seed = 0;
    std::cout << measure("lenet5_infer", "images/s", [&] { return unit_of<LeNetUnit>(seed++); }, cpus, ms).dump()
              << std::endl;
    return 0;
}
