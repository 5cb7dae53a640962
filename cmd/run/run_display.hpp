// What a training run shows people: the run reports, cmd/ draws (a live bar or LossMonitor lines).
#pragma once
#include <cstddef>
#include <string>

#include "core/phase_times.hpp"
#include "core/train_state.hpp"

namespace trainctl {

class RunDisplay {
public:
    virtual ~RunDisplay() = default;
    virtual void epoch_begin(const TrainState& s) = 0;
    virtual void step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) = 0;
    virtual void epoch_end(const TrainState& s) = 0;  // after evaluation
    virtual void message(const std::string& line) = 0;  // one line on stderr, e.g. "trainctl: saved ..."
    virtual void close_line() = 0;  // what follows (an error, the stop message) starts on its own line
    virtual void refresh(const TrainState& s) = 0;  // brings a live display up to the state's step
    virtual void finished(const PhaseTimes&) {}  // a run that trained to its end: where its time went
};

}  // namespace trainctl
