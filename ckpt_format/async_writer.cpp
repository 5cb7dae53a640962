// The background checkpoint writer thread.
#include "ckpt_format/async_writer.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace trainctl {

AsyncWriter::AsyncWriter() {
    CPU_ZERO(&allowed_);
    if (sched_getaffinity(0, sizeof allowed_, &allowed_) == 0) allowed_cpus_ = CPU_COUNT(&allowed_);
    thread_ = std::thread([this] { loop(); });
}

AsyncWriter::~AsyncWriter() {
    {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return !pending_; });
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void AsyncWriter::wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return !pending_; });
    if (error_) {
        std::exception_ptr e = error_;
        error_ = nullptr;
        std::rethrow_exception(e);
    }
}

bool AsyncWriter::busy() {
    std::lock_guard<std::mutex> lock(mutex_);
    return pending_;
}

std::uint8_t* AsyncWriter::buffer(std::uint64_t size) {
    wait();
    if (buffer_.size() < size) buffer_.resize(size);
    return buffer_.data();
}

void AsyncWriter::submit(std::function<void()> job) {
    wait();  // at most one in flight (a no-op after buffer(), which waited already)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = std::move(job);
        pending_ = true;
        keep_off_cpu(sched_getcpu());
    }
    cv_.notify_all();
}

// Woken on the submitter's CPU, the writer would preempt the training thread there at once;
// elsewhere it delays at most a worker thread that is between chunks. Needs a second CPU.
void AsyncWriter::keep_off_cpu(int cpu) {
    if (cpu < 0 || cpu == avoided_cpu_ || allowed_cpus_ < 2) return;
    cpu_set_t mask = allowed_;
    if (!CPU_ISSET(cpu, &mask)) return;
    CPU_CLR(cpu, &mask);
    if (pthread_setaffinity_np(thread_.native_handle(), sizeof mask, &mask) == 0) avoided_cpu_ = cpu;
}

namespace {
double clock_s(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
}  // namespace

AsyncWriter::Stats AsyncWriter::stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

void AsyncWriter::loop() {
    pthread_setname_np(pthread_self(), "ckpt-writer");  // for top -H and perf; at most 15 chars
    // Not SCHED_BATCH: without wake-up preemption, a writer that blocks on fsync a few times per
    // save waits a full time slice after each on a loaded machine (25 ms a save with one busy
    // process beside training, against 1.4 ms), and training then waits for it.
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return pending_ || stop_; });
        if (!pending_ && stop_) return;
        lock.unlock();
        const double cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID), wall0 = clock_s(CLOCK_MONOTONIC);
        std::exception_ptr error;
        try {
            job_();
        } catch (...) {
            error = std::current_exception();
        }
        const double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0, wall = clock_s(CLOCK_MONOTONIC) - wall0;
        lock.lock();
        stats_.jobs += 1;
        stats_.cpu_s += cpu;
        stats_.wall_s += wall;
        job_ = nullptr;  // drop what the job captured while still on this thread
        error_ = error;
        pending_ = false;
        cv_.notify_all();
    }
}

}  // namespace trainctl
