// The background checkpoint writer thread.
#include "ckpt_format/async_writer.hpp"

#include "ckpt_format/atomic_file.hpp"

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

void AsyncWriter::submit(const std::string& path, std::uint64_t size, std::function<void()> done) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        path_ = path;
        size_ = size;
        done_ = std::move(done);
        pending_ = true;
    }
    cv_.notify_all();
}

void AsyncWriter::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return pending_ || stop_; });
        if (!pending_ && stop_) return;
        lock.unlock();
        std::exception_ptr error;
        try {
            atomic_write_file(path_, {{buffer_.data(), static_cast<std::size_t>(size_)}});
            if (done_) done_();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        error_ = error;
        pending_ = false;
        cv_.notify_all();
    }
}

}  // namespace trainctl
