// Learning-rate schedules as pure functions of the global step, so a resumed run is exact.
#pragma once
#include <cstdint>
#include <string>

namespace trainctl {

struct ScheduleSpec {
    std::string type = "constant";  // constant | step | cosine
    std::uint64_t step_epochs = 1;  // step: multiply by gamma every step_epochs epochs
    float gamma = 0.1f;             // step
    float min_lr = 0.0f;            // cosine: value reached at the last step
};

// lr for the update made at global_step (0-based).
// step:   base * gamma^floor(global_step / (steps_per_epoch*step_epochs))
// cosine: min + (base-min) * (1 + cos(pi * global_step / total_steps)) / 2
float lr_at(const ScheduleSpec& spec, float base_lr, std::uint64_t global_step,
            std::uint64_t steps_per_epoch, std::uint64_t total_steps);

}  // namespace trainctl
