// AsyncWriter: jobs run one at a time off the caller's thread, errors come back through wait()
// and buffer(), and the writer keeps off the submitting thread's CPU.
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "ckpt_format/async_writer.hpp"

using namespace trainctl;

namespace {

// Pins the calling thread to `mask` for one scope, then restores what it had.
class PinGuard {
public:
    explicit PinGuard(const cpu_set_t& mask) {
        CPU_ZERO(&old_);
        REQUIRE(sched_getaffinity(0, sizeof old_, &old_) == 0);
        REQUIRE(sched_setaffinity(0, sizeof mask, &mask) == 0);
    }
    ~PinGuard() { sched_setaffinity(0, sizeof old_, &old_); }

private:
    cpu_set_t old_;
};

cpu_set_t allowed_cpus() {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    REQUIRE(sched_getaffinity(0, sizeof mask, &mask) == 0);
    return mask;
}

int first_cpu(const cpu_set_t& mask) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &mask)) return cpu;
    return -1;
}

// What a job saw of the thread it ran on.
struct WriterView {
    pthread_t thread{};
    cpu_set_t affinity{};
    int policy = -1;
};

WriterView run_and_look(AsyncWriter& writer) {
    WriterView view;
    writer.submit([&view] {
        view.thread = pthread_self();
        CPU_ZERO(&view.affinity);
        sched_getaffinity(0, sizeof view.affinity, &view.affinity);
        view.policy = sched_getscheduler(0);
    });
    writer.wait();
    return view;
}

}  // namespace

TEST_CASE("async writer: jobs run in order off the caller's thread and see the buffer", "[ckpt][async]") {
    AsyncWriter writer;
    std::vector<int> seen;
    for (int i = 0; i < 5; ++i) {
        std::uint8_t* buf = writer.buffer(16 + static_cast<std::uint64_t>(i));  // waits for the job before
        buf[0] = static_cast<std::uint8_t>(i);
        writer.submit([&seen, buf] { seen.push_back(buf[0]); });
    }
    const WriterView view = run_and_look(writer);
    CHECK(seen == std::vector<int>{0, 1, 2, 3, 4});
    CHECK_FALSE(pthread_equal(view.thread, pthread_self()));
    CHECK(writer.stats().jobs == 6);
}

TEST_CASE("async writer: counts the jobs' own CPU time apart from their wall time", "[ckpt][async]") {
    AsyncWriter writer;
    writer.submit([] {  // 20 ms asleep: wall time, next to no CPU
        timespec pause{0, 20'000'000};
        nanosleep(&pause, nullptr);
    });
    writer.wait();
    const AsyncWriter::Stats slept = writer.stats();
    CHECK(slept.wall_s >= 0.02);
    CHECK(slept.cpu_s < 0.01);
    writer.submit([] {  // 20 ms of this thread's CPU
        timespec t0{}, t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        do clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        while ((t.tv_sec - t0.tv_sec) * 1'000'000'000L + (t.tv_nsec - t0.tv_nsec) < 20'000'000L);
    });
    writer.wait();
    const AsyncWriter::Stats spun = writer.stats();
    CHECK(spun.jobs == 2);
    CHECK(spun.cpu_s - slept.cpu_s >= 0.02);
    CHECK(spun.wall_s - slept.wall_s >= 0.02);
}

TEST_CASE("async writer: a job's error comes back once, from wait() or buffer()", "[ckpt][async]") {
    AsyncWriter writer;
    writer.submit([] { throw std::runtime_error("disk on fire"); });
    CHECK_THROWS_WITH(writer.wait(), "disk on fire");
    CHECK_NOTHROW(writer.wait());

    writer.submit([] { throw std::runtime_error("again"); });
    CHECK_THROWS_WITH(writer.buffer(8), "again");
    std::atomic<bool> ran{false};
    writer.submit([&ran] { ran = true; });
    writer.wait();
    CHECK(ran);

    // Submitting over a failed job reports that failure and drops the new job.
    writer.submit([] { throw std::runtime_error("third"); });
    ran = false;
    CHECK_THROWS_WITH(writer.submit([&ran] { ran = true; }), "third");
    writer.wait();
    CHECK_FALSE(ran);
}

TEST_CASE("async writer: the destructor lets the job in flight finish", "[ckpt][async]") {
    std::atomic<bool> done{false};
    {
        AsyncWriter writer;
        writer.submit([&done] {
            timespec pause{0, 20'000'000};
            nanosleep(&pause, nullptr);
            done = true;
        });
    }
    CHECK(done);
}

TEST_CASE("async writer: runs off the submitting thread's CPU, with normal priority", "[ckpt][async]") {
    const cpu_set_t allowed = allowed_cpus();
    AsyncWriter writer;
    const int cpu = first_cpu(allowed);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    WriterView view;
    {
        PinGuard pin(one);  // the submitter now runs on `cpu` only
        view = run_and_look(writer);
    }
    CHECK(view.policy == SCHED_OTHER);  // SCHED_BATCH starves it on a loaded machine
    if (CPU_COUNT(&allowed) < 2) {
        WARN("one CPU allowed: the writer shares it, as it must");
        CHECK(CPU_EQUAL(&view.affinity, &allowed));
        return;
    }
    CHECK_FALSE(CPU_ISSET(cpu, &view.affinity));
    CHECK(CPU_COUNT(&view.affinity) == CPU_COUNT(&allowed) - 1);
}

TEST_CASE("async writer: with one CPU allowed it stays there and still writes", "[ckpt][async]") {
    const int cpu = first_cpu(allowed_cpus());
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    PinGuard pin(one);  // the writer is created inside it, so it inherits one CPU
    AsyncWriter writer;
    const WriterView view = run_and_look(writer);
    CHECK(CPU_COUNT(&view.affinity) == 1);
    CHECK(CPU_ISSET(cpu, &view.affinity));
}
