// Trainer: the training loop. Progress, checkpoints and signals plug in through TrainHooks.
#pragma once
#include <cstdint>
#include <vector>

#include "core/config.hpp"
#include "core/data/batch.hpp"
#include "core/data/idx.hpp"
#include "core/evaluate.hpp"
#include "core/grad_reduce.hpp"
#include "core/loss.hpp"
#include "core/optimizer.hpp"
#include "core/phase_times.hpp"
#include "core/sequential.hpp"
#include "core/train_state.hpp"

namespace trainctl {

// Called by the loop; all default to doing nothing.
class TrainHooks {
public:
    virtual ~TrainHooks() = default;
    virtual void on_epoch_begin(const TrainState&) {}
    // After the update of a step; state already counts it (an epoch's last step leaves
    // step_in_epoch 0 and epoch advanced; on_epoch_end follows after the evaluation).
    virtual void on_step_end(const TrainState&, float /*loss*/, std::size_t /*correct*/, std::size_t /*batch*/) {}
    // After each epoch's evaluation (or with has_metrics false when eval is off).
    virtual void on_epoch_end(const TrainState&) {}
    // Checked before every step: true ends the loop cleanly (state stays consistent).
    virtual bool stop_requested() { return false; }
};

// kEarlyStopped: --early-stop ended the run at an epoch's end (state.stopped_early; a normal end).
enum class TrainOutcome { kFinished, kStopped, kNonFinite, kEarlyStopped };

class Trainer {
public:
    // `grad_reduce`: called after each backward (nullptr: none, the gradients are used as they are).
    Trainer(const RunConfig& config, Sequential& net, Optimizer& optimizer, const LabeledImages& train,
            const LabeledImages* test, GradReduce* grad_reduce = nullptr);
    static std::uint64_t steps_per_epoch(const RunConfig& config, std::size_t train_count);
    std::uint64_t steps_per_epoch() const { return steps_per_epoch_; }
    // Trains from `state` until config.epochs are done, a hook asks to stop, or a loss is not finite
    // (then the bad step's update is not applied: state and arenas are those before it).
    TrainOutcome run(TrainState& state, TrainHooks& hooks);
    // The images held out of `train` (--val-split): scored after every epoch into state.val_*,
    // and the test set then only after the last epoch (or the early stop).
    void set_validation(const LabeledImages* val) { val_ = val; }
    EvalResult evaluate_test() { return evaluate(*test_); }
    // Sharded over the grad_reduce's ranks like the steps, the sums reduced.
    EvalResult evaluate(const LabeledImages& data);
    // Seconds spent so far making batches, in the rest of the steps and evaluating (the other
    // fields stay 0: the run measures those).
    PhaseTimes phase_times() const {
        PhaseTimes t = times_;
        t.steps_s -= t.batches_s;  // the step's clock runs around its batch too
        return t;
    }

private:
    // Forward, loss and (when the loss is finite) backward and an update with `lr`; returns the
    // batch size.
    std::size_t run_step(const TrainState& state, float lr, float& loss);
    // After an epoch: validation, early stopping, test; true when early stopping ends the run.
    bool end_epoch(TrainState& state);
    // The same as one of ranks_ processes: this rank's slice of the step's batch, gradients and
    // counters summed over all in one reduce, then the update when the global loss is finite.
    std::size_t run_shard_step(const TrainState& state, float lr, float& loss);

    const RunConfig& config_;
    Sequential& net_;
    Optimizer& optimizer_;
    const LabeledImages& train_;
    const LabeledImages* test_;
    const LabeledImages* val_ = nullptr;
    GradReduce* grad_reduce_;
    std::size_t rank_ = 0, ranks_ = 1;  // the grad_reduce's
    std::size_t step_correct_ = 0;      // the last step's argmax hits (over all ranks)
    std::size_t train_count_;
    std::uint64_t steps_per_epoch_;
    BatchMaker batches_;
    SoftmaxCrossEntropy loss_;
    Evaluator evaluator_;
    std::vector<std::uint32_t> order_;
    std::vector<std::uint8_t> labels_;
    PhaseTimes times_;
};

}  // namespace trainctl
