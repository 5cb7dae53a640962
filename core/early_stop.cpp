// Monitored metrics and the early-stopping decision.
#include "core/early_stop.hpp"

#include <cmath>
#include <cstdio>

#include "core/float_text.hpp"

namespace trainctl {

Monitor resolved_monitor(Monitor monitor, bool has_val_split) {
    if (monitor == Monitor::kAcc) return has_val_split ? Monitor::kValAcc : Monitor::kTestAcc;
    if (monitor == Monitor::kLoss) return has_val_split ? Monitor::kValLoss : Monitor::kTestLoss;
    return monitor;
}

bool higher_is_better(Monitor monitor) {
    return monitor == Monitor::kAcc || monitor == Monitor::kValAcc || monitor == Monitor::kTestAcc;
}

std::optional<double> monitored_value(const TrainState& s, Monitor resolved) {
    switch (resolved) {
        case Monitor::kValAcc:
        case Monitor::kValLoss:
            if (!s.has_val || s.val_epoch != s.epoch) return std::nullopt;
            return resolved == Monitor::kValAcc ? s.val_acc : s.val_loss;
        case Monitor::kAcc:  // resolved away; read as the test set's
        case Monitor::kLoss:
        case Monitor::kTestAcc:
        case Monitor::kTestLoss:
            if (!s.has_metrics || s.metrics_epoch != s.epoch) return std::nullopt;
            return higher_is_better(resolved) ? s.metrics_acc : s.metrics_loss;
    }
    return std::nullopt;
}

bool early_stop_update(TrainState& s, const EarlyStopSpec& spec, Monitor resolved) {
    s.stopped_early = false;  // a resumed run that had stopped goes on
    const std::optional<double> value = monitored_value(s, resolved);
    if (spec.patience == 0 || !value) return false;
    const auto monitor = static_cast<std::uint8_t>(resolved);
    if (s.has_best && s.best_monitor != monitor) s.has_best = false;  // a resume that watches another metric
    const double v = *value, d = spec.min_delta;
    const bool improved = std::isfinite(v) && (!s.has_best || (higher_is_better(resolved) ? v - d > s.best_value
                                                                                          : v + d < s.best_value));
    if (improved) {
        s.has_best = true;
        s.best_monitor = monitor;
        s.best_value = v;
        s.best_epoch = s.epoch;
        s.best_wait = 0;
        return false;
    }
    if (!s.has_best) return false;  // nothing finite seen yet: no best to wait on
    if (++s.best_wait < spec.patience) return false;
    s.stopped_early = true;
    return true;
}

std::string early_stop_reason(const TrainState& s, const EarlyStopSpec& spec) {
    const std::string by = spec.min_delta > 0 ? " by more than " + shortest_float_text(static_cast<float>(spec.min_delta)) : "";
    char best[32];
    std::snprintf(best, sizeof best, "%.4f", s.best_value);
    return monitor_name(static_cast<Monitor>(s.best_monitor)) + " has not improved" + by + " for " +
           std::to_string(s.best_wait) + (s.best_wait == 1 ? " epoch" : " epochs") + " (best " + best + " at epoch " +
           std::to_string(s.best_epoch) + ")";
}

}  // namespace trainctl
