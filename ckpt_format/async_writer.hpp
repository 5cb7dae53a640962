// Writes checkpoints from a background thread, at most one in flight, so training goes on while
// the disk works. At the step the caller only copies the tensors into buffer() (a memcpy); the
// submitted job then builds the header, CRCs and writes the file off the training thread.
#pragma once
#include <sched.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace trainctl {

class AsyncWriter {
public:
    AsyncWriter();
    ~AsyncWriter();  // waits for the job in flight; its error then is lost (call wait() first)
    AsyncWriter(const AsyncWriter&) = delete;
    AsyncWriter& operator=(const AsyncWriter&) = delete;

    // Waits for the job in flight, rethrowing its error; then the buffer is free to fill.
    // Grows the buffer to `size` bytes if needed (the first save allocates, later ones reuse).
    std::uint8_t* buffer(std::uint64_t size);
    // Runs `job` on the background thread; it may read buffer() until it returns. Waits for the
    // job in flight first and rethrows its error, if any (then `job` is not run).
    void submit(std::function<void()> job);
    // Waits for the job in flight and rethrows its error, if any.
    void wait();
    // True while a job is queued or running (then wait() would block).
    bool busy();

    // What the jobs so far cost the writer thread: the CPU time a save takes from training
    // (bench_async_save reports it per save), and the wall time until each file had landed.
    struct Stats {
        std::uint64_t jobs = 0;
        double cpu_s = 0;
        double wall_s = 0;
    };
    Stats stats();

private:
    void loop();
    void keep_off_cpu(int cpu);

    std::vector<std::uint8_t> buffer_;
    std::function<void()> job_;
    bool pending_ = false;
    bool stop_ = false;
    std::exception_ptr error_;
    Stats stats_;
    std::mutex mutex_;
    std::condition_variable cv_;
    cpu_set_t allowed_;        // the CPUs this process may run on, seen at construction
    int allowed_cpus_ = 0;
    int avoided_cpu_ = -1;     // the CPU the writer is kept off now (-1: none)
    std::thread thread_;       // started by the constructor once allowed_ is known
};

}  // namespace trainctl
