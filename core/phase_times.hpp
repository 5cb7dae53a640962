// Where a training run's wall time goes: seconds per phase, each summed with a monotonic clock.
#pragma once
#include <chrono>

namespace trainctl {

using PhaseClock = std::chrono::steady_clock;

struct PhaseTimes {
    double data_s = 0;     // reading, inflating and packing the IDX files
    double batches_s = 0;  // resizing and normalising each step's batch
    double steps_s = 0;    // forward, loss, backward and update (without making the batch)
    double eval_s = 0;     // the per-epoch evaluation on the test set
    double save_s = 0;     // checkpoint saves, as long as the loop waits for them
    double wall_s = 0;     // from the command's start to the end of its run
};

// Adds the seconds from its construction to its destruction to `sum`: two clock reads.
class PhaseTimer {
public:
    explicit PhaseTimer(double& sum) : sum_(sum), start_(PhaseClock::now()) {}
    ~PhaseTimer() { sum_ += std::chrono::duration<double>(PhaseClock::now() - start_).count(); }
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;

private:
    double& sum_;
    PhaseClock::time_point start_;
};

}  // namespace trainctl
