// The metric a run monitors (--monitor) and Keras' EarlyStopping over it, kept in TrainState.
#pragma once
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/train_state.hpp"

namespace trainctl {

// kAcc and kLoss name the validation set's metric when the run holds one out, else the test set's.
Monitor resolved_monitor(Monitor monitor, bool has_val_split);
bool higher_is_better(Monitor monitor);
// The resolved monitor's value for the epoch `s` has just finished, if it was evaluated then.
std::optional<double> monitored_value(const TrainState& s, Monitor resolved);

// After an epoch's evaluation: a value better than the best by more than min_delta becomes the
// best and clears the wait, anything else (NaN too) adds an epoch to it. Returns true, with
// s.stopped_early set, when the wait reaches the patience. The state alone carries all of it.
bool early_stop_update(TrainState& s, const EarlyStopSpec& spec, Monitor resolved);

// Why the run stopped: "val_loss has not improved by more than 0.001 for 3 epochs (best 0.0412 at epoch 4)".
std::string early_stop_reason(const TrainState& s, const EarlyStopSpec& spec);

}  // namespace trainctl
