// run_training: load data, build the net, train with progress output.
#include "cmd/run_training.hpp"

#include <unistd.h>

#include <iostream>

#include "cmd/progress.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/mnist.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

namespace trainctl {

namespace {

class ProgressHooks : public TrainHooks {
public:
    explicit ProgressHooks(const ProgressOptions& options) : progress_(options) {}
    void on_epoch_begin(const TrainState& s) override { progress_.epoch_begin(s); }
    void on_step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) override {
        progress_.step_end(s, loss, correct, batch);
    }
    void on_epoch_end(const TrainState& s) override { progress_.epoch_end(s); }

private:
    Progress progress_;
};

InitSpec init_spec(const RunConfig& c) {
    InitSpec spec;
    spec.kind = c.init == "normal" ? InitSpec::Kind::kNormal : InitSpec::Kind::kPytorch;
    spec.sigma = c.init_sigma;
    return spec;
}

}  // namespace

int run_training(const RunConfig& config, const RunOptions& options) {
    set_num_threads(config.threads);
    const MnistFiles files = locate_mnist(config.data);
    const LabeledImages train = load_mnist_split(files, "train");
    const LabeledImages test = load_mnist_split(files, "test");
    const std::size_t used = config.train_limit ? std::min(config.train_limit, train.count) : train.count;
    if (Trainer::steps_per_epoch(config, train.count) == 0)
        throw usage_error("batch_size: " + std::to_string(config.batch_size) + " is larger than the " +
                          std::to_string(used) + " training images (drop_remainder is on)");

    auto net = build_net(config.net, config.input);
    net->init_params(config.seed, init_spec(config));
    auto optimizer = make_optimizer(config.optimizer, net->params().total());
    Trainer trainer(config, *net, *optimizer, train, &test);

    ProgressOptions progress;
    progress.live = isatty(STDOUT_FILENO) && !options.quiet;
    progress.quiet = options.quiet;
    progress.log_every = config.log_every;
    progress.epochs = config.epochs;
    ProgressHooks hooks(progress);

    TrainState state;
    state.seed = config.seed;
    if (!options.quiet)
        std::cerr << "trainctl: " << config.net.type << " on " << files.dir << ": " << used << " train / "
                  << test.count << " test images, " << trainer.steps_per_epoch() << " steps per epoch, "
                  << net->params().total() << " parameters, " << num_threads() << " threads\n";
    const TrainOutcome outcome = trainer.run(state, hooks);
    if (outcome == TrainOutcome::kNonFinite)
        throw Error("loss is " + format_float(state.last_loss) + " at epoch " + std::to_string(state.epoch + 1) +
                    " step " + std::to_string(state.step_in_epoch + 1) + ": training diverged (try a lower --lr)");
    if (!config.eval) {
        EvalResult r = trainer.evaluate_test();
        char line[128];
        std::snprintf(line, sizeof line, "Metrics: {\"acc\": %.4f, \"loss\": %.4f}", r.acc, r.loss);
        std::cout << line << "\n";
    }
    return kExitOk;
}

}  // namespace trainctl
