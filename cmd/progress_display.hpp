// The run's display for `train` and `resume`: Progress (cmd/progress.hpp) behind the run's interface.
#pragma once
#include <unistd.h>

#include <iostream>

#include "cmd/render/phase_table.hpp"
#include "cmd/render/progress.hpp"
#include "cmd/run/mpi_world.hpp"
#include "cmd/run/run_display.hpp"
#include "core/config.hpp"

namespace trainctl {

constexpr const char* kTimingsFlagHelp =
    "at the end, where the run's time went: a table on stderr and a 'Timings: {...}' JSON line on stdout";

class ProgressDisplay final : public RunDisplay {
public:
    // `timings`: at the end of a finished run, the phase table on stderr and a "Timings: {...}"
    // line on stdout, after the last metrics.
    ProgressDisplay(const RunConfig& config, bool quiet, bool timings = false)
        : progress_(options(config, quiet)), timings_(timings) {}
    void epoch_begin(const TrainState& s) override { progress_.epoch_begin(s); }
    void step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) override {
        progress_.step_end(s, loss, correct, batch);
    }
    void epoch_end(const TrainState& s) override { progress_.epoch_end(s); }
    void message(const std::string& line) override { progress_.message(line); }
    void close_line() override { progress_.close_line(); }
    void refresh(const TrainState& s) override { progress_.refresh(s); }
    void finished(const PhaseTimes& t) override {
        if (!timings_) return;
        std::cerr << phase_table(t) << std::flush;
        std::cout << "Timings: " << phase_json(t) << "\n" << std::flush;
    }

private:
    static ProgressOptions options(const RunConfig& config, bool quiet) {
        ProgressOptions o;
        // mpirun hands its ranks a terminal even when its own output goes to a file: LossMonitor
        // lines there, as in any log.
        o.live = isatty(STDOUT_FILENO) && !quiet && !mpi_active();
        o.quiet = quiet;
        o.log_every = config.log_every;
        o.epochs = config.epochs;
        return o;
    }

    Progress progress_;
    bool timings_;
};

}  // namespace trainctl
