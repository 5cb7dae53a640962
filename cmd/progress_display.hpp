// The run's display for `train` and `resume`: Progress (cmd/progress.hpp) behind the run's interface.
#pragma once
#include <unistd.h>

#include "cmd/render/progress.hpp"
#include "cmd/run/mpi_world.hpp"
#include "cmd/run/run_display.hpp"
#include "core/config.hpp"

namespace trainctl {

class ProgressDisplay final : public RunDisplay {
public:
    ProgressDisplay(const RunConfig& config, bool quiet) : progress_(options(config, quiet)) {}
    void epoch_begin(const TrainState& s) override { progress_.epoch_begin(s); }
    void step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) override {
        progress_.step_end(s, loss, correct, batch);
    }
    void epoch_end(const TrainState& s) override { progress_.epoch_end(s); }
    void message(const std::string& line) override { progress_.message(line); }
    void close_line() override { progress_.close_line(); }
    void refresh(const TrainState& s) override { progress_.refresh(s); }

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
};

}  // namespace trainctl
