// The training loop: shuffle per epoch from the seed, forward, loss, backward, update.
#include "core/trainer.hpp"

#include <chrono>
#include <cmath>

#include "core/early_stop.hpp"
#include "core/lr_schedule.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace trainctl {

namespace {
constexpr std::size_t kShardCounters = 2;  // a shard's loss sum and correct count, after its gradients
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

std::uint64_t Trainer::steps_per_epoch(const RunConfig& config, std::size_t train_count) {
    std::size_t n = config.train_limit ? std::min(config.train_limit, train_count) : train_count;
    return config.drop_remainder ? n / config.batch_size : (n + config.batch_size - 1) / config.batch_size;
}

Trainer::Trainer(const RunConfig& config, Sequential& net, Optimizer& optimizer, const LabeledImages& train,
                 const LabeledImages* test, GradReduce* grad_reduce)
    : config_(config),
      net_(net),
      optimizer_(optimizer),
      train_(train),
      test_(test),
      grad_reduce_(grad_reduce),
      train_count_(config.train_limit ? std::min(config.train_limit, train.count) : train.count),
      steps_per_epoch_(steps_per_epoch(config, train.count)),
      batches_(config.input, train.rows, train.cols),
      evaluator_(config.input, train.rows, train.cols, config.batch_size, net.out_sample().numel()),
      order_(train_count_),
      labels_(config.batch_size) {
    net_.reserve(config.batch_size);
    batches_.reserve(config.batch_size);
    loss_.reserve(config.batch_size, net.out_sample().numel());
    if (grad_reduce_ && grad_reduce_->ranks() > 1) {
        rank_ = grad_reduce_->rank();
        ranks_ = grad_reduce_->ranks();
        net_.params().reserve_grad_tail(kShardCounters + grad_reduce_->own_floats());
    }
}

EvalResult Trainer::evaluate(const LabeledImages& data) {
    if (ranks_ == 1) return evaluator_.run(net_, data);
    EvalResult r = evaluator_.run(net_, data, 0, rank_, ranks_);
    grad_reduce_->reduce_eval(r);
    return r;
}

bool Trainer::end_epoch(TrainState& state) {
    PhaseTimer timer(times_.eval_s);
    if (val_) {
        const EvalResult r = evaluate(*val_);
        state.has_val = true;
        state.val_epoch = state.epoch;
        state.val_acc = r.acc;
        state.val_loss = r.loss;
    }
    const bool stop = early_stop_update(state, config_.early_stop, resolved_monitor(config_.ckpt.monitor, val_ != nullptr));
    // With a validation set the test set is scored once, at the end, as Keras' evaluate() after fit().
    if (config_.eval && test_ && (!val_ || stop || state.epoch == config_.epochs)) {
        const EvalResult r = evaluate_test();
        state.has_metrics = true;
        state.metrics_epoch = state.epoch;
        state.metrics_acc = r.acc;
        state.metrics_loss = r.loss;
    }
    return stop;
}

std::size_t Trainer::run_step(const TrainState& state, float lr, float& loss) {
    if (ranks_ > 1) return run_shard_step(state, lr, loss);
    const std::size_t begin = state.step_in_epoch * config_.batch_size;
    const std::size_t n = std::min(config_.batch_size, train_count_ - begin);
    {
        PhaseTimer timer(times_.batches_s);
        batches_.make(train_, order_.data() + begin, n, labels_.data());
    }
    const Tensor& logits = net_.forward(batches_.batch());
    loss = loss_.forward(logits, labels_.data());
    step_correct_ = loss_.correct();
    if (!std::isfinite(loss)) return n;  // no update: the arenas stay as they were
    net_.params().zero_grad();
    net_.backward(loss_.backward());
    if (grad_reduce_) grad_reduce_->reduce(net_.params().grads(), net_.params().total(), 0);
    optimizer_.step(net_.params(), lr);
    return n;
}

std::size_t Trainer::run_shard_step(const TrainState& state, float lr, float& loss) {
    const std::size_t begin = state.step_in_epoch * config_.batch_size;
    const std::size_t n = std::min(config_.batch_size, train_count_ - begin);
    // Contiguous slices of the global batch; a short last batch may leave a rank none.
    const std::size_t lo = n * rank_ / ranks_, hi = n * (rank_ + 1) / ranks_;
    ParamSet& params = net_.params();
    params.zero_grad();  // the counters after the arena too
    float* counters = params.grads() + params.total();
    if (hi > lo) {
        batches_.make(train_, order_.data() + begin + lo, hi - lo, labels_.data());
        const Tensor& logits = net_.forward(batches_.batch());
        const float shard_loss = loss_.forward(logits, labels_.data());
        // Backward even when the loss is not finite: every rank joins the step's one reduce.
        net_.backward(loss_.backward(n));
        counters[0] = shard_loss * static_cast<float>(hi - lo);
        counters[1] = static_cast<float>(loss_.correct());
    }
    grad_reduce_->reduce(params.grads(), params.total(), kShardCounters);
    loss = counters[0] / static_cast<float>(n);
    step_correct_ = static_cast<std::size_t>(counters[1]);
    if (!std::isfinite(loss)) return n;  // no update on any rank: they all see the same sum
    grad_reduce_->update(optimizer_, params, lr);
    return n;
}

TrainOutcome Trainer::run(TrainState& state, TrainHooks& hooks) {
    state.steps_per_epoch = steps_per_epoch_;
    const std::uint64_t total_steps = steps_per_epoch_ * config_.epochs;
    while (state.epoch < config_.epochs) {
        epoch_permutation(state.seed, state.epoch, order_);
        hooks.on_epoch_begin(state);
        while (state.step_in_epoch < steps_per_epoch_) {
            if (hooks.stop_requested()) return TrainOutcome::kStopped;
            const auto t0 = Clock::now();
            // The one place the step's lr is computed: the update uses it, the state records it.
            const float lr = lr_at(config_.schedule, config_.lr, state.global_step, steps_per_epoch_, total_steps);
            float loss = 0;
            const std::size_t n = run_step(state, lr, loss);
            if (!std::isfinite(loss)) {
                state.last_loss = loss;
                return TrainOutcome::kNonFinite;
            }
            state.lr = lr;
            state.last_loss = loss;
            const double seconds = seconds_since(t0);
            state.elapsed_s += seconds;
            times_.steps_s += seconds;
            ++state.global_step;
            // An epoch's last step rolls over at once: the state then reads "epoch N done".
            if (++state.step_in_epoch == steps_per_epoch_) {
                ++state.epoch;
                state.step_in_epoch = 0;
            }
            hooks.on_step_end(state, loss, step_correct_, n);
            if (state.step_in_epoch == 0) break;
        }
        const bool stop = end_epoch(state);
        hooks.on_epoch_end(state);
        if (stop) return TrainOutcome::kEarlyStopped;
    }
    return TrainOutcome::kFinished;
}

}  // namespace trainctl
