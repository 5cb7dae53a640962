// Save and keep decisions.
#include "cmd/run/ckpt_policy.hpp"

#include <algorithm>

namespace trainctl {

bool SaveSchedule::due(std::uint64_t global_step, double now_s, bool epoch_end) const {
    switch (every_.kind) {
        case SaveEvery::Kind::kSteps: return global_step % every_.steps == 0;
        case SaveEvery::Kind::kEpoch: return epoch_end;
        case SaveEvery::Kind::kSeconds: return now_s - last_save_s_ >= every_.seconds;
        case SaveEvery::Kind::kNever: break;
    }
    return false;
}

std::vector<std::string> ckpts_to_delete(const std::vector<StepCkpt>& files, std::size_t keep_max,
                                         double keep_per_minutes) {
    std::vector<std::string> doomed;
    if (keep_max > 0) {
        for (std::size_t i = 0; i + keep_max < files.size(); ++i) doomed.push_back(files[i].file);
    } else if (keep_per_minutes > 0 && !files.empty()) {
        const double window_s = keep_per_minutes * 60.0;
        double last_kept_s = files.front().time_s;
        for (std::size_t i = 1; i + 1 < files.size(); ++i) {
            if (files[i].time_s - last_kept_s >= window_s) last_kept_s = files[i].time_s;
            else doomed.push_back(files[i].file);
        }
    }
    return doomed;
}

namespace {
bool better(double a, double b, bool higher_is_better) { return higher_is_better ? a > b : a < b; }
}  // namespace

bool enters_best(const std::vector<BestCkpt>& best, double metric, bool higher_is_better, std::size_t k) {
    if (k == 0) return false;
    if (best.size() < k) return true;
    return std::any_of(best.begin(), best.end(), [&](const BestCkpt& b) { return better(metric, b.metric, higher_is_better); });
}

std::vector<std::string> trim_best(std::vector<BestCkpt>& best, bool higher_is_better, std::size_t k) {
    std::stable_sort(best.begin(), best.end(), [&](const BestCkpt& a, const BestCkpt& b) {
        if (a.metric != b.metric) return better(a.metric, b.metric, higher_is_better);
        return a.global_step < b.global_step;
    });
    std::vector<std::string> dropped;
    while (best.size() > k) {
        dropped.push_back(best.back().file);
        best.pop_back();
    }
    return dropped;
}

}  // namespace trainctl
