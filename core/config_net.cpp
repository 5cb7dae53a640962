// Config section: the net and how its weights are drawn.
#include "core/config_key.hpp"

#include "core/error.hpp"

namespace trainctl {

namespace {

// Far deeper than any MLP worth training on MNIST, and it bounds the tensor count of a checkpoint.
constexpr std::size_t kMaxHiddenLayers = 64;

void read_hidden(const ConfigReader& r, RunConfig& c) {
    if (!r.has("hidden")) return;
    // One size is one hidden layer: `--hidden 64` parses as the number 64, not a list.
    const nlohmann::json h = r.value("hidden").is_number_unsigned() ? nlohmann::json::array({r.value("hidden")}) : r.value("hidden");
    if (!h.is_array() || h.empty()) r.fail("hidden", "a non-empty list of layer sizes in [1, 65536]");
    // Checkpoints name each layer's tensors: thousands of layers only make huge headers.
    if (h.size() > kMaxHiddenLayers)
        throw usage_error(r.where("hidden") + " must list at most " + std::to_string(kMaxHiddenLayers) +
                          " hidden layer sizes, got " + std::to_string(h.size()));
    c.net.hidden.clear();
    for (const auto& v : h) {
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1 || v.get<std::uint64_t>() > 65536)
            r.fail("hidden", "a non-empty list of layer sizes in [1, 65536]");
        c.net.hidden.push_back(v.get<std::size_t>());
    }
}

}  // namespace

std::vector<ConfigKey> net_config_keys() {
    return {
        choice_key("net", [](auto& c) -> auto& { return c.net.type; }, {"lenet5", "mlp"}),
        bool_key("fc_relu", [](auto& c) -> auto& { return c.net.fc_relu; }),
        bool_key("conv2_relu", [](auto& c) -> auto& { return c.net.conv2_relu; }),
        integer_key("conv_padding", [](auto& c) -> auto& { return c.net.conv_padding; }, 0, 8),
        bool_key("conv_bias", [](auto& c) -> auto& { return c.net.conv_bias; }),
        {"hidden", false, {}, read_hidden, [](const RunConfig& c) { return nlohmann::json(c.net.hidden); }},
        // uint8 labels: at most 256 classes. 1 is refused where the classes are counted (cmd/run/run_steps.cpp).
        integer_key("num_classes", [](auto& c) -> auto& { return c.net.num_classes; }, 0, 256),
        // InitSpec::Kind's order.
        choice_key("init", [](auto& c) -> auto& { return c.init; }, {"pytorch", "normal"}),
        number_key("init_sigma", [](auto& c) -> auto& { return c.init_sigma; }, [](double v) { return v > 0; },
                   "a number > 0"),
    };
}

}  // namespace trainctl
