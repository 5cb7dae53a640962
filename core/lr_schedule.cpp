// Learning-rate schedules.
#include "core/lr_schedule.hpp"

#include <cmath>

namespace trainctl {

float lr_at(const ScheduleSpec& spec, float base_lr, std::uint64_t global_step,
            std::uint64_t steps_per_epoch, std::uint64_t total_steps) {
    if (spec.lr_schedule == LrSchedule::kStep) {
        std::uint64_t period = steps_per_epoch * spec.lr_step_epochs;
        std::uint64_t drops = period ? global_step / period : 0;
        return static_cast<float>(base_lr * std::pow(static_cast<double>(spec.lr_gamma), static_cast<double>(drops)));
    }
    if (spec.lr_schedule == LrSchedule::kCosine && total_steps > 0) {
        const double pi = 3.14159265358979323846;
        double t = static_cast<double>(global_step) / static_cast<double>(total_steps);
        if (t > 1.0) t = 1.0;
        return static_cast<float>(spec.lr_min + (base_lr - spec.lr_min) * 0.5 * (1.0 + std::cos(pi * t)));
    }
    return base_lr;
}

}  // namespace trainctl
