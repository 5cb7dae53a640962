// Config section: the input images as the net sees them (size, normalisation).
#include "core/config_key.hpp"

namespace trainctl {

std::vector<ConfigKey> input_config_keys() {
    return {
        integer_key("input.size", [](auto& c) -> auto& { return c.input.size; }, 8, 256),
        number_key("input.mean", [](auto& c) -> auto& { return c.input.mean; },
                   [](double v) { return v >= -10 && v <= 10; }, "a number in [-10, 10]"),
        number_key("input.std", [](auto& c) -> auto& { return c.input.std; }, [](double v) { return v > 0; },
                   "a number > 0"),
    };
}

}  // namespace trainctl
