// Config section: early stopping, and the checks that the monitored metric exists every epoch.
#include "core/config_key.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

// A patience of 1 epoch or more, or "off" (also what it prints as). 0 is refused: Keras'
// patience=0 stops at the first epoch without improvement, which is what 1 says here.
void read_early_stop(const ConfigReader& r, RunConfig& c) {
    if (!r.has("early_stop")) return;
    const nlohmann::json& v = r.value("early_stop");
    if (v.is_string() && v.get<std::string>() == "off") {
        c.early_stop.patience = 0;
        return;
    }
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1 || v.get<std::uint64_t>() > 1000000)
        r.fail("early_stop", "a number of epochs in [1, 1000000] (the patience), or \"off\"");
    c.early_stop.patience = v.get<std::size_t>();
}

// "--monitor val_loss", or "configs/x.json: key \"monitor\" is \"val_loss\"".
std::string monitor_told(const ConfigReader& r, const std::string& key, const std::string& value) {
    const std::string where = r.where(key);
    return where.rfind("--", 0) == 0 ? where + " " + value : where + " is \"" + value + "\"";
}

bool monitor_is_val(Monitor m) { return m == Monitor::kValAcc || m == Monitor::kValLoss; }
bool monitor_is_test(Monitor m) { return m == Monitor::kTestAcc || m == Monitor::kTestLoss; }

}  // namespace

std::vector<ConfigKey> stopping_config_keys() {
    return {
        {"early_stop", false, {}, read_early_stop,
         [](const RunConfig& c) {
             return c.early_stop.patience ? nlohmann::json(c.early_stop.patience) : nlohmann::json("off");
         }},
        number_key("min_delta", [](auto& c) -> auto& { return c.early_stop.min_delta; },
                   [](double v) { return v >= 0; }, "a number >= 0"),
    };
}

void resolve_monitor(const ConfigReader& r, RunConfig& c) {
    Monitor& monitor = c.ckpt.monitor;
    if (!r.has("monitor") && c.early_stop.patience > 0) monitor = Monitor::kLoss;
    if (c.ckpt.keep_best == 0 && c.early_stop.patience == 0) return;  // nothing watches it
    const bool split = c.val_split > 0;
    const std::string& name = monitor_name(monitor);
    if (monitor_is_val(monitor) && !split)
        throw usage_error(monitor_told(r, "monitor", name) +
                          ": there is no validation set; hold one out with --val-split F (e.g. 0.1), or monitor "
                          "test_" + name.substr(4));
    if (monitor_is_test(monitor) && split)
        throw usage_error(monitor_told(r, "monitor", name) +
                          ": with --val-split the test set is scored once, at the end of the run; monitor val_" +
                          name.substr(5));
    if (c.early_stop.patience > 0 && !split && !c.eval)
        throw usage_error(r.where("early_stop") +
                          ": early stopping needs a score after every epoch: hold out a validation set with "
                          "--val-split F, or keep the test set's evaluation on (eval true)");
}

}  // namespace trainctl
