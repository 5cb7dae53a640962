// TrainState <-> JSON, for checkpoint metadata.
#include "core/train_state.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

#include "core/config.hpp"
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
    if (s.has_val) j["val_metrics"] = {{"epoch", s.val_epoch}, {"acc", s.val_acc}, {"loss", s.val_loss}};
    if (s.has_best)
        j["early_stop"] = {{"monitor", monitor_name(static_cast<Monitor>(s.best_monitor))},
                           {"best", s.best_value},
                           {"best_epoch", s.best_epoch},
                           {"wait", s.best_wait},
                           {"stopped", s.stopped_early}};
    return j;
}

namespace {

// Reads the keys back checking what the writer put there: a damaged or hand-edited file gets
// one line naming the key, never an abort (nlohmann's type errors) or a wrapped-around count.
class StateFields {
public:
    StateFields(const json& j, const std::string& source, const char* what) : j_(j), source_(source), what_(what) {}

    std::uint64_t count(const char* key) const {
        const json& v = at(key);
        if (!v.is_number_unsigned()) wrong(key, v, "a non-negative integer");
        return v.get<std::uint64_t>();
    }
    // A finite number within +-limit (the float range for values kept as float).
    double number(const char* key, double limit) const {
        const json& v = at(key);
        if (!v.is_number() || !std::isfinite(v.get<double>()) || std::fabs(v.get<double>()) > limit)
            wrong(key, v, "a finite number");
        return v.get<double>();
    }
    // A loss: NaN or infinite after a diverged step, which JSON writes as null.
    double loss(const char* key) const {
        const json& v = at(key);
        if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
        if (!v.is_number()) wrong(key, v, "a number or null");
        return v.get<double>();
    }
    bool flag(const char* key) const {
        const json& v = at(key);
        if (!v.is_boolean()) wrong(key, v, "true or false");
        return v.get<bool>();
    }
    std::string text(const char* key) const {
        const json& v = at(key);
        if (!v.is_string()) wrong(key, v, "a string");
        return v.get<std::string>();
    }

private:
    const json& at(const char* key) const {
        if (!j_.is_object()) throw Error(source_ + ": " + what_ + " is not a JSON object");
        if (!j_.contains(key)) throw Error(source_ + ": " + what_ + " key \"" + key + "\" missing");
        return j_.at(key);
    }
    [[noreturn]] void wrong(const char* key, const json& v, const char* expected) const {
        std::string found = v.dump(-1, ' ', false, json::error_handler_t::replace);
        if (found.size() > 40) found = found.substr(0, 37) + "...";
        throw Error(source_ + ": " + what_ + " key \"" + key + "\" is " + found + ", expected " + expected);
    }

    const json& j_;
    const std::string& source_;
    const char* what_;
};

constexpr double kFloatMax = std::numeric_limits<float>::max();

// One evaluation's figures ("metrics": the test set's, "val_metrics": the validation set's), when stored.
void read_evaluation(const json& j, const char* key, const std::string& source, bool& has, std::uint64_t& epoch,
                     double& acc, double& loss) {
    if (!j.contains(key)) return;
    const std::string what = std::string("training state ") + key;
    const StateFields m(j[key], source, what.c_str());
    has = true;
    epoch = m.count("epoch");
    acc = m.number("acc", 1.0);
    loss = m.loss("loss");
}
}  // namespace

TrainState train_state_from_json(const json& j, const std::string& source) {
    const StateFields f(j, source, "training state");
    TrainState s;
    s.epoch = f.count("epoch");
    s.step_in_epoch = f.count("step_in_epoch");
    s.global_step = f.count("global_step");
    s.steps_per_epoch = f.count("steps_per_epoch");
    s.seed = f.count("seed");
    s.elapsed_s = f.number("elapsed_s", std::numeric_limits<double>::max());
    s.lr = static_cast<float>(f.number("lr", kFloatMax));
    const double last_loss = f.loss("last_loss");  // float range checked: the cast is UB past it
    s.last_loss = std::fabs(last_loss) <= kFloatMax || std::isnan(last_loss) ? static_cast<float>(last_loss)
                                                                             : std::copysign(INFINITY, last_loss);
    if (s.steps_per_epoch == 0 || s.step_in_epoch >= s.steps_per_epoch ||
        s.epoch > (UINT64_MAX - s.step_in_epoch) / s.steps_per_epoch ||
        s.global_step != s.epoch * s.steps_per_epoch + s.step_in_epoch)
        throw Error(source + ": training state is inconsistent (epoch " + std::to_string(s.epoch) + ", step " +
                    std::to_string(s.step_in_epoch) + ", global step " + std::to_string(s.global_step) +
                    ", steps per epoch " + std::to_string(s.steps_per_epoch) + ")");
    read_evaluation(j, "metrics", source, s.has_metrics, s.metrics_epoch, s.metrics_acc, s.metrics_loss);
    read_evaluation(j, "val_metrics", source, s.has_val, s.val_epoch, s.val_acc, s.val_loss);
    if (j.contains("early_stop")) {
        const StateFields e(j["early_stop"], source, "training state early_stop");
        const std::string monitor = e.text("monitor");
        std::size_t m = 0;
        while (m <= static_cast<std::size_t>(Monitor::kTestLoss) && monitor_name(static_cast<Monitor>(m)) != monitor) ++m;
        if (m > static_cast<std::size_t>(Monitor::kTestLoss))
            throw Error(source + ": training state early_stop key \"monitor\" is \"" + monitor.substr(0, 40) +
                        "\", expected a metric name such as val_loss");
        s.has_best = true;
        s.best_monitor = static_cast<std::uint8_t>(m);
        s.best_value = e.number("best", std::numeric_limits<double>::max());
        s.best_epoch = e.count("best_epoch");
        s.best_wait = e.count("wait");
        s.stopped_early = e.flag("stopped");
    }
    return s;
}

}  // namespace trainctl
