// When to save and which checkpoints to keep: MindSpore's CheckpointConfig semantics plus
// keep-best. Pure decisions over numbers and names; times are passed in (an injectable clock).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace trainctl {

// When a run saves, from its config's resolved SaveEvery (core/config.hpp).
class SaveSchedule {
public:
    SaveSchedule(SaveEvery every, double start_s) : every_(every), last_save_s_(start_s) {}
    // Whether the end of `global_step`, at training time `now_s`, saves; `epoch_end`: that step
    // ended an epoch (the caller saves then after evaluation, so the file carries the metrics).
    bool due(std::uint64_t global_step, double now_s, bool epoch_end) const;
    void saved(double now_s) { last_save_s_ = now_s; }

private:
    SaveEvery every_;
    double last_save_s_;
};

struct StepCkpt {
    std::string file;
    std::uint64_t global_step = 0;
    double time_s = 0;  // training time when saved
};

// keep_max > 0: the newest keep_max. Else keep_per_minutes > 0: the newest, plus the first
// checkpoint of every keep_per_minutes-long window after the previous kept one. Else all.
// `files` is oldest first; returns the ones to delete.
std::vector<std::string> ckpts_to_delete(const std::vector<StepCkpt>& files, std::size_t keep_max,
                                         double keep_per_minutes);

struct BestCkpt {
    std::string file;
    double metric = 0;
    std::uint64_t global_step = 0;
};

// Whether a checkpoint with `metric` enters the best `k` (ties keep the older one).
bool enters_best(const std::vector<BestCkpt>& best, double metric, bool higher_is_better, std::size_t k);
// Sorts best-first and drops all beyond k; returns the dropped files.
std::vector<std::string> trim_best(std::vector<BestCkpt>& best, bool higher_is_better, std::size_t k);

}  // namespace trainctl
