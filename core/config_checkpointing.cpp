// Config section: when checkpoints are saved and which are kept.
#include "core/config_key.hpp"

namespace trainctl {

namespace {

// Monitor's order.
const std::vector<std::string> kMonitorNames = {"acc", "loss", "val_acc", "val_loss", "test_acc", "test_loss"};

// A count of steps (0: never), or the word "epoch".
void read_ckpt_steps(const ConfigReader& r, RunConfig& c) {
    if (!r.has("ckpt_steps")) return;
    SaveEvery& save = c.ckpt.save;
    const nlohmann::json& v = r.value("ckpt_steps");
    if (v.is_string() && v.get<std::string>() == "epoch") {
        save.kind = SaveEvery::Kind::kEpoch;
        return;
    }
    r.integer("ckpt_steps", save.steps, 0, UINT32_MAX);
    save.kind = save.steps > 0 ? SaveEvery::Kind::kSteps : SaveEvery::Kind::kNever;
}

// "epoch", N, or 0 when steps do not decide (never, or by seconds).
nlohmann::json write_ckpt_steps(const RunConfig& c) {
    switch (c.ckpt.save.kind) {
        case SaveEvery::Kind::kEpoch: return "epoch";
        case SaveEvery::Kind::kSteps: return c.ckpt.save.steps;
        case SaveEvery::Kind::kNever:
        case SaveEvery::Kind::kSeconds: break;
    }
    return 0;
}

}  // namespace

const std::string& monitor_name(Monitor monitor) { return kMonitorNames.at(static_cast<std::size_t>(monitor)); }

std::vector<ConfigKey> checkpointing_config_keys() {
    auto non_negative = [](double v) { return v >= 0; };
    return {
        {"ckpt_steps", false, {}, read_ckpt_steps, write_ckpt_steps},
        number_key("ckpt_seconds", [](auto& c) -> auto& { return c.ckpt.save.seconds; }, non_negative,
                   "a number of seconds >= 0"),
        integer_key("keep_max", [](auto& c) -> auto& { return c.ckpt.keep_max; }, 0, 1000000),
        number_key("keep_per_minutes", [](auto& c) -> auto& { return c.ckpt.keep_per_minutes; }, non_negative,
                   "a number of minutes >= 0"),
        integer_key("keep_best", [](auto& c) -> auto& { return c.ckpt.keep_best; }, 0, 1000000),
        choice_key("monitor", [](auto& c) -> auto& { return c.ckpt.monitor; }, kMonitorNames),
        bool_key("async_save", [](auto& c) -> auto& { return c.ckpt.async_save; }),
    };
}

void resolve_policy_conflicts(const ConfigReader& r, CheckpointSpec& ckpt, std::vector<std::string>* warnings) {
    auto warn = [&](const std::string& w) {
        if (warnings) warnings->push_back(w);
    };
    // Seconds replace the default (once per epoch) and a ckpt_steps of 0; a ckpt_steps that saves
    // ("epoch" included) wins, and the seconds stay only to be printed back.
    SaveEvery& save = ckpt.save;
    if (save.seconds > 0) {
        if (save.kind == SaveEvery::Kind::kNever || !r.has("ckpt_steps")) save.kind = SaveEvery::Kind::kSeconds;
        else warn("ckpt_steps and ckpt_seconds both set: saving by steps (ckpt_seconds ignored)");
    }
    if (ckpt.keep_per_minutes > 0) {
        if (!r.has("keep_max")) ckpt.keep_max = 0;
        else if (ckpt.keep_max != 0) warn("keep_max and keep_per_minutes both set: keeping the newest keep_max (keep_per_minutes ignored)");
    }
}

}  // namespace trainctl
