// What the host gives this process's CPUs at this moment, one JSON line: each allowed CPU's
// single-threaded 512^3 sgemm GFLOP/s alone (one thread pinned to it, the others idle), then on
// all of them at once. A shared host sometimes makes two vCPUs two hyperthreads of one core, or
// lets another guest share one of their cores, for minutes at a time: then no program's threads
// scale, and compare.sh's thread scaling reads against "threads_bound" (the CPUs' GFLOP/s
// together over the best one's alone: what N threads can get over one, for compute like this).
// Usage: bench_host [--ms 300]
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/flags.hpp"
#include "core/gemm.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kN = 512;

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

// Each listed CPU runs sgemms on its own matrices from the same start for `ms`; their GFLOP/s.
std::vector<double> gflops_on(const std::vector<int>& cpus, int ms) {
    std::vector<double> result(cpus.size(), 0.0);
    std::atomic<std::size_t> ready{0};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        threads.emplace_back([&, i] {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpus[i], &set);
            pthread_setaffinity_np(pthread_self(), sizeof set, &set);
            std::vector<float> m(3 * kN * kN, 1.0f);
            ready.fetch_add(1);
            while (ready.load() < cpus.size()) std::this_thread::yield();
            const auto t0 = Clock::now(), end = t0 + std::chrono::milliseconds(ms);
            std::size_t calls = 0;
            for (; Clock::now() < end; ++calls)
                gemm(false, false, kN, kN, kN, 1.0f, m.data(), kN, m.data() + kN * kN, kN, 0.0f, m.data() + 2 * kN * kN, kN);
            const double s = std::chrono::duration<double>(Clock::now() - t0).count();
            result[i] = static_cast<double>(calls) * 2.0 * kN * kN * kN / s / 1e9;
        });
    }
    for (auto& t : threads) t.join();
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("what the host gives this process's CPUs now: sgemm alone on each, then on all at once");
    int ms = 300;
    flags.integer("--ms", ms, "milliseconds per measurement", 10, 60000);
    if (const int code = flags.parse(argc, argv); code >= 0) return code;
    set_num_threads(1);  // OpenBLAS single-threaded: each pinned thread runs its own sgemm
    const std::vector<int> cpus = allowed_cpus();
    if (cpus.empty()) {
        std::cerr << "bench_host: sched_getaffinity failed\n";
        return 1;
    }
    std::vector<double> alone;
    for (int cpu : cpus) alone.push_back(gflops_on({cpu}, ms)[0]);
    const std::vector<double> together = gflops_on(cpus, ms);
    std::vector<double> speed;
    double sum = 0;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        speed.push_back(together[i] / alone[i]);
        sum += together[i];
    }
    const double best_alone = *std::max_element(alone.begin(), alone.end());
    std::cout << nlohmann::json{{"bench", "host_cpus"},       {"cpus", cpus},
                                {"alone_gflops", alone},      {"together_gflops", together},
                                {"together_speed", speed},    {"threads_bound", sum / best_alone},
                                {"ms", ms}}
                     .dump()
              << std::endl;
    return 0;
}
