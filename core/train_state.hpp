// TrainState: where a run is, in numbers; with the arenas it is all a resume needs.
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

namespace trainctl {

struct TrainState {
    std::uint64_t epoch = 0;            // epochs completed before the current one (0-based index of it)
    std::uint64_t step_in_epoch = 0;    // steps done in the current epoch
    std::uint64_t global_step = 0;      // steps done in the whole run
    std::uint64_t steps_per_epoch = 0;
    std::uint64_t seed = 0;             // data order of epoch e = epoch_permutation(seed, e)
    double elapsed_s = 0;               // training time, excluding evaluation and saving
    float lr = 0;                       // lr used by the last step
    float last_loss = 0;                // loss of the last step
    bool has_metrics = false;           // last per-epoch evaluation, when any
    std::uint64_t metrics_epoch = 0;
    double metrics_acc = 0;
    double metrics_loss = 0;
    bool has_val = false;               // last validation-set evaluation (--val-split), when any
    std::uint64_t val_epoch = 0;
    double val_acc = 0;
    double val_loss = 0;
    // Early stopping (core/early_stop.hpp): the best monitored value so far, the epoch it came
    // from, and the epochs since without an improvement. A resume continues from them exactly.
    bool has_best = false;
    std::uint8_t best_monitor = 0;      // the Monitor it was watching (a resume watching another starts afresh)
    double best_value = 0;
    std::uint64_t best_epoch = 0;
    std::uint64_t best_wait = 0;
    bool stopped_early = false;         // the run ended because the monitored metric stopped improving

    // 1-based numbers as they appear in file names: lenet-2_1875 is epoch 2, step 1875.
    std::uint64_t epoch_1based() const { return step_in_epoch == 0 && epoch > 0 ? epoch : epoch + 1; }
    std::uint64_t step_1based() const { return step_in_epoch == 0 && epoch > 0 ? steps_per_epoch : step_in_epoch; }
};

nlohmann::json to_json(const TrainState& s);
// Throws Error naming `source` and the key when a field is missing or of the wrong type.
TrainState train_state_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace trainctl
