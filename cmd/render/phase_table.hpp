// The --timings report of a run: a short table for people and one JSON object for scripts.
#pragma once
#include <string>

#include "core/phase_times.hpp"

namespace trainctl {

// Lines "trainctl: timings ..." with seconds and share of wall time per phase, each ending in '\n'.
std::string phase_table(const PhaseTimes& t);
// {"wall_s": ..., "data_s": ..., "batches_s": ..., "steps_s": ..., "eval_s": ..., "save_s": ...,
//  "other_s": ..., "not_steps_pct": ...}: seconds to the millisecond; other_s is what no phase
// holds (config, lock, net init, output); not_steps_pct is everything but steps_s.
std::string phase_json(const PhaseTimes& t);

}  // namespace trainctl
