// sgemm throughput of OpenBLAS's cblas_sgemm at the shapes trainctl's layers call it with, and at
// m=n=k=1024 (the bound the layers' GEMMs can at best reach); one JSON object per line.
// It calls gemm the way the engine does: set_num_threads(T) leaves OpenBLAS single-threaded and
// each of the T engine threads runs its own gemm, on its own contiguous row-major buffers.
// "m","n","k" are one call's shape (a linear layer splits its batch rows, or its weight-grad rows,
// across the T threads); "gflops" counts the T threads' calls together, each thread's calls over
// its own clock, all started together: the median over --runs runs of about --min-ms each, with
// "gflops_min" and "gflops_max" their range ("calls" sums all runs).
//   conv (per image, any batch; core/conv2d.cpp): forward W[oc,k] * col[k,p];
//     backward_weight dy[oc,p] * col[k,p]^T; backward_input W^T * dy (not for conv1, the first layer).
//   linear (core/linear.cpp): forward x[B/T,in] * W[out,in]^T; backward_weight dy[B,out/T]^T * x[B,in];
//     backward_input dy[B/T,out] * W[out,in] (not for the first layer).
// square_1024 runs T concurrent single-threaded 1024^3 gemms; square_1024_blas_threads (T > 1)
// one gemm on T OpenBLAS threads.
// Usage: bench_gemm [--threads 2] [--runs 3] [--shapes all|nets|square] [--min-ms 100]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/flags.hpp"
#include "core/gemm.hpp"
#include "core/parallel.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

struct GemmCase {
    std::string name;
    bool trans_a, trans_b;
    std::size_t m, n, k;
    std::string per;  // "image" (conv: batch-independent) or "batch"
};

// One thread's buffers: A is op(A)[m,k] stored row-major as [m,k] or, transposed, [k,m].
struct Buffers {
    std::vector<float> a, b, c;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void run_gemm(const GemmCase& g, Buffers& buf) {
    const std::size_t lda = g.trans_a ? g.m : g.k, ldb = g.trans_b ? g.k : g.n;
    gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, 1.0f, buf.a.data(), lda, buf.b.data(), ldb, 0.0f, buf.c.data(), g.n);
}

// One run: every engine thread (one when threads == 1, e.g. with OpenBLAS threaded) calls the
// gemm for min_ms of its own clock, all starting together. Returns the GFLOP/s of the threads
// together: the sum of each thread's calls over its own seconds. Measured over one shared clock
// instead, the bound swung between about 85 and 146 GFLOP/s from run to run. A likely cause:
// the pool hands a chunk to whoever is free, so when the worker thread woke late (a busy
// machine) the caller could run both chunks one after the other, one core's calls counted over
// two cores' time; the start barrier rules that out.
double timed_run(const GemmCase& g, std::vector<Buffers>& bufs, std::size_t threads, int min_ms, long& calls) {
    std::vector<long> thread_calls(threads, 0);
    std::vector<double> thread_s(threads, 0.0);
    std::atomic<std::size_t> started{0};
    parallel_for(threads, [&](std::size_t t) {
        started.fetch_add(1);
        while (started.load() < threads) std::this_thread::yield();  // every thread runs, none alone
        const auto t0 = Clock::now();
        const auto deadline = t0 + std::chrono::milliseconds(min_ms);
        do {
            run_gemm(g, bufs[t]);
            ++thread_calls[t];
        } while (Clock::now() < deadline);
        thread_s[t] = seconds_since(t0);
    });
    const double flops_per_call = 2.0 * static_cast<double>(g.m * g.n * g.k);
    double gflops = 0.0;
    for (std::size_t t = 0; t < threads; ++t) {
        gflops += flops_per_call * static_cast<double>(thread_calls[t]) / thread_s[t] / 1e9;
        calls += thread_calls[t];
    }
    return gflops;
}

nlohmann::json measure(const GemmCase& g, std::size_t threads, int runs, int min_ms) {
    std::vector<Buffers> bufs(threads);
    for (auto& b : bufs) {
        b.a.assign(g.m * g.k, 0.5f);
        b.b.assign(g.k * g.n, 0.25f);
        b.c.assign(g.m * g.n, 0.0f);
    }
    long calls = 0;
    timed_run(g, bufs, threads, std::max(1, min_ms / 10), calls);  // warm-up: pages, caches, thread wake-up
    calls = 0;
    std::vector<double> gflops;
    for (int r = 0; r < runs; ++r) gflops.push_back(timed_run(g, bufs, threads, min_ms, calls));
    const auto [lo, hi] = std::minmax_element(gflops.begin(), gflops.end());
    return {{"bench", "gemm"},  {"case", g.name},      {"m", g.m},          {"n", g.n},
            {"k", g.k},         {"trans_a", g.trans_a}, {"trans_b", g.trans_b}, {"per", g.per},
            {"gflops", median(gflops)}, {"gflops_min", *lo}, {"gflops_max", *hi}, {"calls", calls},
            {"runs", runs}, {"threads", threads}};
}

std::size_t per_thread(std::size_t rows, std::size_t threads) { return std::max<std::size_t>(1, rows / threads); }

// LeNet5 as bench_train and configs/lenet5-mnist.json build it: 1@32x32, conv padding 0.
void add_lenet5(std::vector<GemmCase>& cases, std::size_t threads) {
    // conv1: 1@32x32 -> 6@28x28 (k = 1*5*5, p = 28*28); conv2: 6@14x14 -> 16@10x10 (k = 6*5*5, p = 10*10).
    cases.push_back({"lenet5_conv1_forward", false, false, 6, 784, 25, "image"});
    cases.push_back({"lenet5_conv1_backward_weight", false, true, 6, 25, 784, "image"});
    cases.push_back({"lenet5_conv2_forward", false, false, 16, 100, 150, "image"});
    cases.push_back({"lenet5_conv2_backward_weight", false, true, 16, 150, 100, "image"});
    cases.push_back({"lenet5_conv2_backward_input", true, false, 150, 100, 16, "image"});
    struct Fc { const char* name; std::size_t in, out; };
    const Fc fcs[] = {{"fc1", 400, 120}, {"fc2", 120, 84}, {"fc3", 84, 10}};
    for (std::size_t batch : {32, 256, 1000}) {  // 1000: inference only
        const std::string b = "_b" + std::to_string(batch);
        for (const Fc& fc : fcs) {
            const std::string base = std::string("lenet5_") + fc.name;
            cases.push_back({base + "_forward" + b, false, true, per_thread(batch, threads), fc.out, fc.in, "batch"});
            if (batch == 1000) continue;
            cases.push_back({base + "_backward_weight" + b, true, false, per_thread(fc.out, threads), fc.in, batch,
                             "batch"});
            cases.push_back({base + "_backward_input" + b, false, false, per_thread(batch, threads), fc.in, fc.out,
                             "batch"});
        }
    }
}

// The MLP: 784 -> 512 -> 512 -> 10; fc1 is the first layer (no backward_input).
void add_mlp(std::vector<GemmCase>& cases, std::size_t threads) {
    struct Fc { const char* name; std::size_t in, out; };
    const Fc fcs[] = {{"fc1", 784, 512}, {"fc2", 512, 512}, {"fc3", 512, 10}};
    for (std::size_t batch : {32, 64, 256}) {  // bench_train trains the MLP at 64 and 256
        const std::string b = "_b" + std::to_string(batch);
        for (const Fc& fc : fcs) {
            const std::string base = std::string("mlp_") + fc.name;
            cases.push_back({base + "_forward" + b, false, true, per_thread(batch, threads), fc.out, fc.in, "batch"});
            cases.push_back({base + "_backward_weight" + b, true, false, per_thread(fc.out, threads), fc.in, batch,
                             "batch"});
            if (std::string(fc.name) != "fc1")
                cases.push_back({base + "_backward_input" + b, false, false, per_thread(batch, threads), fc.in,
                                 fc.out, "batch"});
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    BenchFlags flags("sgemm throughput at trainctl's GEMM shapes and at 1024^3");
    int threads = 2, runs = 3, min_ms = 100;
    std::string shapes = "all";
    flags.integer("--threads", threads, "engine threads (each runs its own single-threaded gemm)", 1, 64);
    flags.integer("--runs", runs, "runs per case (median)", 1, 1000);
    flags.text("--shapes", shapes, "all, nets (the layers' shapes) or square (1024^3 only)");
    flags.integer("--min-ms", min_ms, "milliseconds per run, about", 1, 60000);
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    if (shapes != "all" && shapes != "nets" && shapes != "square") {
        std::cerr << "bench_gemm: --shapes must be all, nets or square, got " << shapes << "\n";
        return 2;
    }
    set_num_threads(threads);
    const std::size_t engine = reserve_threads();

    std::vector<GemmCase> cases;
    if (shapes != "square") {
        add_lenet5(cases, engine);
        add_mlp(cases, engine);
    }
    for (const auto& g : cases) std::cout << measure(g, engine, runs, min_ms).dump() << std::endl;
    if (shapes != "nets") {
        const GemmCase square{"square_1024", false, false, 1024, 1024, 1024, "call"};
        std::cout << measure(square, engine, runs, min_ms).dump() << std::endl;
        if (engine > 1) {
            openblas_set_num_threads(threads);
            GemmCase threaded = square;
            threaded.name = "square_1024_blas_threads";
            nlohmann::json j = measure(threaded, 1, runs, min_ms);
            j["threads"] = threads;
            std::cout << j.dump() << std::endl;
            openblas_set_num_threads(1);
        }
    }
    return 0;
}
