// Writes checkpoint images from a background thread, at most one in flight, so training goes on
// while the disk works. The caller serializes into buffer() at the step, then submit()s.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace trainctl {

class AsyncWriter {
public:
    AsyncWriter();
    ~AsyncWriter();  // waits for the write in flight; errors then are lost (call wait() first)
    AsyncWriter(const AsyncWriter&) = delete;
    AsyncWriter& operator=(const AsyncWriter&) = delete;

    // Waits for the write in flight, rethrowing its error; then the buffer is free to fill.
    // Grows the buffer to `size` bytes if needed (the first save allocates, later ones reuse).
    std::uint8_t* buffer(std::uint64_t size);
    // Writes buffer()[0, size) atomically to path in the background; then runs `done` there.
    void submit(const std::string& path, std::uint64_t size, std::function<void()> done);
    // Waits for the write in flight and rethrows its error, if any.
    void wait();

private:
    void loop();

    std::vector<std::uint8_t> buffer_;
    std::string path_;
    std::uint64_t size_ = 0;
    std::function<void()> done_;
    bool pending_ = false;
    bool stop_ = false;
    std::exception_ptr error_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::thread thread_;
};

}  // namespace trainctl
