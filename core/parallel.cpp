// A tiny persistent thread pool behind parallel_run(). Workers spin briefly between jobs
// (a training step dispatches one every ~100 us) and then sleep, so idle runs cost no CPU.
#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "core/address_space.hpp"
#include "core/aligned_allocator.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"

namespace trainctl {

namespace {

// How long an idle worker polls before sleeping: long enough to span the gap between the
// parallel loops of one step, short enough not to hold a core across steps.
constexpr std::chrono::microseconds kSpin{200};

class Pool {
public:
    explicit Pool(std::size_t workers) : blocks_(workers + 1) {
        try {
            for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { work(i + 1); });
        } catch (...) {  // no stack for one more thread (ulimit -v): stop the started ones first
            stop();
            throw;
        }
    }
    ~Pool() { stop(); }
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_.store(true);
            generation_.fetch_add(2);
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }
    std::size_t workers() const { return threads_.size(); }

    // generation_ is odd while a job is open. Each seq_cst pair below (bump one counter, then
    // read the other side's) guarantees one side sees the other: no lost wake-up, and no
    // worker still inside a job when run() returns.
    void run(std::size_t chunks, void (*fn)(void*, std::size_t, std::size_t), void* ctx, Steal steal) {
        fn_ = fn;
        ctx_ = ctx;
        steal_ = steal;
        for (std::size_t w = 0; w < blocks_.size(); ++w) {
            const Range r = chunk_range(chunks, blocks_.size(), w);
            blocks_[w].first = r.begin;
            blocks_[w].left.store(Block::pack(r.begin, r.end));
        }
        pending_.store(chunks);
        generation_.fetch_add(1);
        if (sleeping_.load() > 0) {
            std::lock_guard<std::mutex> lock(mutex_);
            wake_.notify_all();
        }
        take_chunks(0);
        while (pending_.load() != 0) std::this_thread::yield();
        generation_.fetch_add(1);  // close: a worker arriving late now leaves at once
        while (active_.load() != 0) std::this_thread::yield();
    }

private:
    // A thread's block of a job's chunks: [begin, end) still unclaimed, in one word so that the
    // owner (from the front) and a thief (from the back) claim with one compare-exchange each.
    // One cache line each: the owner's claims do not disturb the others' lines.
    struct alignas(kCacheLine) Block {
        std::atomic<std::uint64_t> left{0};
        std::size_t first = 0;  // the block's first chunk this job
        static std::uint64_t pack(std::size_t begin, std::size_t end) { return std::uint64_t{end} << 32 | begin; }
        // Claims the first (owner) or last (thief) unclaimed chunk into `chunk`; false when none
        // is left to take, or (Steal::leave_last) only a started owner's last one.
        bool claim(bool owner, Steal steal, std::size_t& chunk) {
            std::uint64_t v = left.load();
            for (;;) {
                const std::size_t begin = v & 0xffffffffu, end = v >> 32;
                const bool owners_last = !owner && steal == Steal::leave_last && begin > first && end - begin < 2;
                if (begin >= end || owners_last) return false;
                chunk = owner ? begin : end - 1;
                if (left.compare_exchange_weak(v, owner ? pack(begin + 1, end) : pack(begin, end - 1))) return true;
            }
        }
    };

    // Chunks go to whoever is free, so the caller never waits for a worker still asleep (or
    // descheduled on a busy machine); which thread runs a chunk does not change its result.
    void take_chunks(std::size_t worker) {
        std::size_t chunk;
        while (blocks_[worker].claim(true, steal_, chunk)) run_chunk(chunk, worker);
        for (std::size_t i = 1; i < blocks_.size(); ++i) {
            Block& other = blocks_[(worker + i) % blocks_.size()];
            while (other.claim(false, steal_, chunk)) run_chunk(chunk, worker);
        }
    }
    void run_chunk(std::size_t chunk, std::size_t worker) {
        fn_(ctx_, chunk, worker);
        pending_.fetch_sub(1);
    }
    void work(std::size_t worker) {
        std::uint64_t seen = 0;
        for (;;) {
            const auto spin_end = std::chrono::steady_clock::now() + kSpin;
            while (generation_.load() == seen && std::chrono::steady_clock::now() < spin_end)
                std::this_thread::yield();
            if (generation_.load() == seen) {
                sleeping_.fetch_add(1);
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
                sleeping_.fetch_sub(1);
            }
            if (stop_.load()) return;
            seen = generation_.load();
            if (seen % 2 == 0) continue;
            active_.fetch_add(1);
            if (generation_.load() == seen) take_chunks(worker);
            active_.fetch_sub(1);
        }
    }

    std::vector<std::thread> threads_;
    std::vector<Block> blocks_;  // one a thread; the caller's first
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<int> sleeping_{0};
    std::atomic<int> active_{0};          // workers inside an open job
    std::atomic<std::size_t> pending_{0}; // chunks not finished yet
    std::atomic<bool> stop_{false};
    // The current job: written by run() while generation_ is even and no worker is active.
    void (*fn_)(void*, std::size_t, std::size_t) = nullptr;
    void* ctx_ = nullptr;
    Steal steal_ = Steal::leave_last;
};

// One pool per process, like OpenBLAS's own.
std::unique_ptr<Pool>& engine_pool() {
    static std::unique_ptr<Pool> pool;
    return pool;
}

}  // namespace

std::size_t reserve_threads() {
    const auto threads = static_cast<std::size_t>(std::max(1, num_threads()));
    std::unique_ptr<Pool>& pool = engine_pool();
    if (!pool || pool->workers() != threads - 1) {
        pool.reset();
        require_address_space((threads - 1) * thread_reserve_bytes(), threads,
                              "the stacks of " + std::to_string(threads - 1) + " engine thread(s)");
        try {
            pool = std::make_unique<Pool>(threads - 1);
        } catch (const std::system_error& e) {
            const std::string limit = address_space_limit_text();
            throw Error("cannot start " + std::to_string(threads - 1) + " engine thread(s) for --threads " +
                        std::to_string(threads) + ": " + e.what() + (limit.empty() ? "" : " (under " + limit + ")"));
        }
    }
    return threads;
}

std::size_t running_threads() {
    const std::unique_ptr<Pool>& pool = engine_pool();
    return pool ? pool->workers() + 1 : 1;
}

void parallel_run(std::size_t chunks, void (*fn)(void*, std::size_t, std::size_t), void* ctx, Steal steal) {
    std::unique_ptr<Pool>& pool = engine_pool();
    if (pool && pool->workers() > 0) {
        pool->run(chunks, fn, ctx, steal);
        return;
    }
    for (std::size_t c = 0; c < chunks; ++c) fn(ctx, c, 0);
}

}  // namespace trainctl
