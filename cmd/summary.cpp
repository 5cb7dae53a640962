// `trainctl summary [--config FILE | --ckpt FILE] [--json]`: the net a config or checkpoint
// describes, layer by layer (Keras model.summary(), torchinfo), with what a run of it costs.
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/model_from_ckpt.hpp"
#include "cmd/summary_report.hpp"
#include "core/data/idx.hpp"
#include "core/data/image_folder.hpp"
#include "core/data/val_split.hpp"
#include "core/error.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

namespace trainctl {

namespace {

struct SummaryOptions {
    std::string config_path, ckpt, run, data;
    bool json = false;
};

// Images a run of `config` trains per epoch: its steps times the batch (drop_remainder drops the
// rest), or the images used. The set's size is read from its labels file when no train_limit
// fixes it; nullopt (and `why`) when the set is not found.
std::optional<std::uint64_t> samples_per_epoch(const RunConfig& config, const std::string& data_flag,
                                               const std::string& last_resort, std::string& why) {
    std::size_t count = config.train_limit;
    // The labels: the size of the set, and what a val_split holds out of it (stratified by class).
    if (count == 0 || config.val_split > 0) {
        std::vector<std::uint8_t> labels;
        try {
            const MnistFiles files = locate_mnist(data_flag.empty() ? config.data : data_flag, last_resort);
            if (files.is_image_folder())
                labels = image_folder_labels(files.one_tree ? files.image_root : files.image_root + "/train");
            else
                labels = read_idx_labels(files.train_labels, count);
        } catch (const Error&) {
            why = "the training set was not found: give --data DIR";
            return std::nullopt;
        }
        count = config.train_limit ? std::min(config.train_limit, labels.size()) : labels.size();
        try {
            if (config.val_split > 0) count = split_for_validation(labels, count, config.val_split, config.seed).kept.size();
        } catch (const Error& e) {
            why = e.what();
            return std::nullopt;
        }
    }
    const std::uint64_t steps = Trainer::steps_per_epoch(config, count);
    return config.drop_remainder ? steps * config.batch_size : std::min<std::uint64_t>(count, steps * config.batch_size);
}

void print(const SummaryInput& in, bool json) {
    if (json) std::cout << summary_json(in).dump() << "\n";
    else std::cout << summary_text(in);
}

void run_summary(const SummaryOptions& opt) {
    if (!opt.ckpt.empty()) {
        const LoadedModel m = load_model_from_ckpt(resolve_ckpt_flag(opt.ckpt, opt.run));
        // A training checkpoint's own config (batch, optimizer, data); an export has only its net.
        const RunConfig config = m.inference_export ? m.config : parse_config(m.stored.config_json, {});
        std::string why;
        std::optional<std::uint64_t> samples;
        if (!m.inference_export && config.drop_remainder)
            samples = m.stored.state.steps_per_epoch * config.batch_size;  // exact, no data needed
        else if (!m.inference_export)
            samples = samples_per_epoch(config, opt.data, config.data, why);
        print({m.path, config, *m.net, !m.inference_export, samples, why}, opt.json);
        return;
    }
    const RunConfig config = resolve_train_config(opt.config_path, ConfigFlags{});
    const std::unique_ptr<Sequential> net = build_net(config.net, config.input);
    std::string why;
    const std::optional<std::uint64_t> samples = samples_per_epoch(config, opt.data, "", why);
    print({opt.config_path.empty() ? "the default config" : opt.config_path, config, *net, true, samples, why}, opt.json);
}

}  // namespace

void setup_summary(CLI::App& app) {
    auto opt = std::make_shared<SummaryOptions>();
    CLI::App* sub = app.add_subcommand(
        "summary", "The net of a config or checkpoint, layer by layer: output shapes, parameters, FLOPs, memory");
    CLI::Option* config = sub->add_option("-c,--config", opt->config_path, "JSON config file (default: train's defaults)");
    sub->add_option("--ckpt", opt->ckpt, kCkptFlagHelp)->excludes(config);
    sub->add_option("--run", opt->run, kRunFlagHelp);
    sub->add_option("--data", opt->data, std::string("for the per-epoch FLOPs, the training set's size: ") + kDataFlagHelp);
    sub->add_flag("--json", opt->json, "print one JSON object on stdout");
    sub->footer(
        "FLOPs are 2 per multiply-add of the conv and linear products (bias, ReLU, pooling, loss and update "
        "left out: 1.4% of LeNet5's forward); training = forward + weight gradients + input gradients (none "
        "for the first layer with parameters), about 3x forward. Memory: parameters, gradients, optimizer "
        "state, and each layer's output and input gradient at the config's batch_size. See docs/metrics.md.");
    sub->callback([opt] { run_summary(*opt); });
}

}  // namespace trainctl
