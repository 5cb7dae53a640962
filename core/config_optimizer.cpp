// Config section: the optimizer and its base learning rate.
#include "core/config_key.hpp"

namespace trainctl {

std::vector<ConfigKey> optimizer_config_keys() {
    auto positive = [](double v) { return v > 0; };
    auto unit = [](double v) { return v >= 0 && v < 1; };
    return {
        choice_key("optimizer", [](auto& c) -> auto& { return c.optimizer.type; }, {"sgd", "momentum", "adam"}),
        number_key("lr", [](auto& c) -> auto& { return c.lr; }, positive, "a number > 0"),
        number_key("momentum", [](auto& c) -> auto& { return c.optimizer.momentum; }, unit, "a number in [0, 1)"),
        bool_key("nesterov", [](auto& c) -> auto& { return c.optimizer.nesterov; }),
        number_key("weight_decay", [](auto& c) -> auto& { return c.optimizer.weight_decay; },
                   [](double v) { return v >= 0; }, "a number >= 0"),
        number_key("beta1", [](auto& c) -> auto& { return c.optimizer.beta1; }, unit, "a number in [0, 1)"),
        number_key("beta2", [](auto& c) -> auto& { return c.optimizer.beta2; }, unit, "a number in [0, 1)"),
        number_key("eps", [](auto& c) -> auto& { return c.optimizer.eps; }, positive, "a number > 0"),
    };
}

}  // namespace trainctl
