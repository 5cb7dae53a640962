// TrainState <-> JSON, for checkpoint metadata.
#include "core/train_state.hpp"

#include "core/error.hpp"

namespace trainctl {

using nlohmann::json;

json to_json(const TrainState& s) {
    json j = {{"epoch", s.epoch},
              {"step_in_epoch", s.step_in_epoch},
              {"global_step", s.global_step},
              {"steps_per_epoch", s.steps_per_epoch},
              {"seed", s.seed},
              {"elapsed_s", s.elapsed_s},
              {"lr", s.lr},
              {"last_loss", s.last_loss}};
    if (s.has_metrics)
        j["metrics"] = {{"epoch", s.metrics_epoch}, {"acc", s.metrics_acc}, {"loss", s.metrics_loss}};
    return j;
}

TrainState train_state_from_json(const json& j, const std::string& source) {
    auto field = [&](const char* key) -> const json& {
        if (!j.is_object() || !j.contains(key) || !j.at(key).is_number())
            throw Error(source + ": training state key \"" + key + "\" missing or not a number");
        return j.at(key);
    };
    TrainState s;
    s.epoch = field("epoch").get<std::uint64_t>();
    s.step_in_epoch = field("step_in_epoch").get<std::uint64_t>();
    s.global_step = field("global_step").get<std::uint64_t>();
    s.steps_per_epoch = field("steps_per_epoch").get<std::uint64_t>();
    s.seed = field("seed").get<std::uint64_t>();
    s.elapsed_s = field("elapsed_s").get<double>();
    s.lr = field("lr").get<float>();
    s.last_loss = field("last_loss").get<float>();
    if (s.steps_per_epoch == 0 || s.step_in_epoch >= s.steps_per_epoch ||
        s.global_step != s.epoch * s.steps_per_epoch + s.step_in_epoch)
        throw Error(source + ": training state is inconsistent (epoch " + std::to_string(s.epoch) + ", step " +
                    std::to_string(s.step_in_epoch) + ", global step " + std::to_string(s.global_step) +
                    ", steps per epoch " + std::to_string(s.steps_per_epoch) + ")");
    if (j.contains("metrics") && j["metrics"].is_object()) {
        const json& m = j["metrics"];
        s.has_metrics = true;
        s.metrics_epoch = m.value("epoch", std::uint64_t{0});
        s.metrics_acc = m.value("acc", 0.0);
        s.metrics_loss = m.value("loss", 0.0);
    }
    return s;
}

}  // namespace trainctl
