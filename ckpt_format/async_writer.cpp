// The background checkpoint writer thread.
#include "ckpt_format/async_writer.hpp"

#include <pthread.h>
#include <time.h>

namespace trainctl {

AsyncWriter::AsyncWriter() : thread_([this] { loop(); }) {}

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

std::uint8_t* AsyncWriter::buffer(std::uint64_t size) {
    wait();
    if (buffer_.size() < size) buffer_.resize(size);
    return buffer_.data();
}

void AsyncWriter::submit(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = std::move(job);
        pending_ = true;
    }
    cv_.notify_all();
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
