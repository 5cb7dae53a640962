// What to say when the loss turns non-finite: the breakpoint holds the diverged weights, so the
// way on is the run's last healthy checkpoint with a lower learning rate, as a command to paste.
#pragma once
#include <cstdint>
#include <string>

namespace trainctl {

// "resume from the last healthy checkpoint with a lower learning rate: PROGRAM resume --from
// DIR/FILE --lr LR/10": run `prefix`'s newest healthy file in `dir` (its breakpoint, saved at
// `diverged_step`, is marked by now), else the file the run was resumed from (`resumed_from`, ""
// for a new run: a branch has no file of its own yet) when it is older; with neither, "no healthy
// checkpoint of run PREFIX to resume from: train again with a lower --lr".
std::string diverged_hint(const std::string& program, const std::string& dir, const std::string& prefix,
                          const std::string& resumed_from, std::uint64_t diverged_step, float lr);

}  // namespace trainctl
