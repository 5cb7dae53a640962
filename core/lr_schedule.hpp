// Learning-rate schedules as pure functions of the global step, so a resumed run is exact.
#pragma once
#include <cstdint>

namespace trainctl {

// Parsed once from the config key lr_schedule (same order as its choices), never compared as text.
enum class LrSchedule { kConstant, kStep, kCosine };

// Fields named after their config keys.
struct ScheduleSpec {
    LrSchedule lr_schedule = LrSchedule::kConstant;
    std::uint64_t lr_step_epochs = 1;  // step: multiply by lr_gamma every lr_step_epochs epochs
    float lr_gamma = 0.1f;             // step
    float lr_min = 0.0f;               // cosine: value reached at the last step
};

// lr for the update made at global_step (0-based).
// step:   base * lr_gamma^floor(global_step / (steps_per_epoch*lr_step_epochs))
// cosine: lr_min + (base-lr_min) * (1 + cos(pi * global_step / total_steps)) / 2
float lr_at(const ScheduleSpec& spec, float base_lr, std::uint64_t global_step,
            std::uint64_t steps_per_epoch, std::uint64_t total_steps);

}  // namespace trainctl
