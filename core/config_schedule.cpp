// Config section: the learning-rate schedule (core/lr_schedule.hpp), fields named as its keys.
#include "core/config_key.hpp"

namespace trainctl {

std::vector<ConfigKey> schedule_config_keys() {
    return {
        // LrSchedule's order.
        choice_key("lr_schedule", [](auto& c) -> auto& { return c.schedule.lr_schedule; }, {"constant", "step", "cosine"}),
        integer_key("lr_step_epochs", [](auto& c) -> auto& { return c.schedule.lr_step_epochs; }, 1, 1000000),
        number_key("lr_gamma", [](auto& c) -> auto& { return c.schedule.lr_gamma; }, [](double v) { return v > 0; },
                   "a number > 0"),
        number_key("lr_min", [](auto& c) -> auto& { return c.schedule.lr_min; }, [](double v) { return v >= 0; },
                   "a number >= 0"),
    };
}

}  // namespace trainctl
