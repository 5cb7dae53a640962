// Independent jobs (decoding files) split over short-lived threads: [0, n) in contiguous ranges,
// each thread in order. Not for the per-step hot path, which has the engine threads
// (core/parallel.hpp) and never throws.
#pragma once
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace trainctl {

// Threads for n jobs: the cores, at most max_threads, each given at least min_per_thread jobs.
inline std::size_t split_thread_count(std::size_t n, std::size_t max_threads, std::size_t min_per_thread) {
    const std::size_t cores = std::max<unsigned>(1, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, std::min({cores, max_threads, n / min_per_thread}));
}

// Calls job(k) for every k in [0, n) on `threads` threads. A thread stops at its first job that
// throws; once all have joined, the exception of the lowest such k is rethrown, so the error
// reported is the one a sequential loop would have met first.
template <class Job>
void run_split(std::size_t n, std::size_t threads, Job&& job) {
    std::vector<std::size_t> failed_at(threads, n);
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](std::size_t t) {
        for (std::size_t k = n * t / threads, end = n * (t + 1) / threads; k < end; ++k) {
            try {
                job(k);
            } catch (...) {
                failed_at[t] = k;
                errors[t] = std::current_exception();
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    const auto first = std::min_element(failed_at.begin(), failed_at.end());
    if (*first < n) std::rethrow_exception(errors[static_cast<std::size_t>(first - failed_at.begin())]);
}

}  // namespace trainctl
