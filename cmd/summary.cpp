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
    std::string config_path, ckpt, run;
    ConfigFlags flags;  // train's flags, over --config as train applies them
    bool json = false;
};

// What a run's training split holds: its labels in file order and the classes they count (an
// image folder's class folders, a named set's names, else the largest label + 1, as train counts).
struct TrainingLabels {
    std::vector<std::uint8_t> labels;
    std::size_t classes = 0;
};

// Read as the run finds the set (its dataset, --data). An image folder's images are counted by
// file name (image_folder_labels): a file that turns out not to decode makes it an upper bound. nullopt (and `why`) when the set is not found.
std::optional<TrainingLabels> read_training_labels(const RunConfig& config, const std::string& data_flag,
                                                   const std::string& last_resort, std::string& why) {
    TrainingLabels set;
    try {
        const MnistFiles files = locate_mnist(data_flag.empty() ? config.data : data_flag, last_resort, config.dataset);
        if (!files.is_image_folder()) {
            std::size_t count = 0;
            set.labels = read_idx_labels(files.train_labels, count);
            set.classes = files.class_names.size();
            for (std::uint8_t l : set.labels) set.classes = std::max<std::size_t>(set.classes, l + 1u);
            return set;
        }
        const std::string split = files.one_tree ? files.image_root : files.image_root + "/train";
        set.labels = image_folder_labels(split);
        set.classes = image_folder_classes(split).size();
        if (config.train_limit && config.train_limit < set.labels.size()) {  // as the run takes them
            std::vector<std::uint8_t> taken;
            for (std::uint32_t i : take_classes_in_turn(set.labels, config.train_limit)) taken.push_back(set.labels[i]);
            set.labels = std::move(taken);
        }
        return set;
    } catch (const std::exception& e) {
        why = std::string("the training set was not read (") + e.what() + "): give --data DIR";
        return std::nullopt;
    }
}

// Images a run of `config` trains per epoch: its steps times the batch (drop_remainder drops the
// rest), or the images used: the first train_limit (else all) less the validation split, drawn
// as the run draws it. nullopt (and `why`) when that needs the set and `set` is empty.
std::optional<std::uint64_t> samples_per_epoch(const RunConfig& config, const std::optional<TrainingLabels>& set,
                                               std::string& why) {
    std::size_t count = config.train_limit;
    if (count == 0 || config.val_split > 0) {
        if (!set) return std::nullopt;
        count = config.train_limit ? std::min(config.train_limit, set->labels.size()) : set->labels.size();
        if (config.val_split > 0) {
            try {
                count -= split_for_validation(set->labels, count, config.val_split, config.seed).held_out.size();
            } catch (const Error& e) {
                why = e.what();
                return std::nullopt;
            }
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
        // A checkpoint describes its own run: of train's flags only --data (where its set now is) applies.
        for (const auto& [key, option] : opt.flags.options)
            if (key != "data" && flag_given(opt.flags, key))
                throw usage_error(option->get_name() + ": summary --ckpt describes the checkpoint's run as stored; "
                                  "train's flags go with --config (or alone)");
        const std::string data_flag = flag_given(opt.flags, "data") ? opt.flags.text.at("data") : "";
        const LoadedModel m = load_model_from_ckpt(resolve_ckpt_flag(opt.ckpt, opt.run));
        // A training checkpoint's own config (batch, optimizer, data); an export has only its net.
        const RunConfig config = m.inference_export ? m.config : parse_config(m.stored.config_json, {});
        std::string why;
        std::optional<std::uint64_t> samples;
        if (!m.inference_export && config.drop_remainder)
            samples = m.stored.state.steps_per_epoch * config.batch_size;  // exact, no data needed
        else if (!m.inference_export)
            samples = samples_per_epoch(config, read_training_labels(config, data_flag, config.data, why), why);
        print({m.path, config, *m.net, !m.inference_export, samples, why}, opt.json);
        return;
    }
    RunConfig config = resolve_train_config(opt.config_path, opt.flags);
    std::string why;
    const std::optional<TrainingLabels> set = read_training_labels(config, "", "", why);
    if (set && config.net.num_classes == 0) config.net.num_classes = set->classes;  // the net's last layer, as train sizes it
    const std::unique_ptr<Sequential> net = build_net(config.net, config.input);
    const std::optional<std::uint64_t> samples = samples_per_epoch(config, set, why);
    std::string source = opt.config_path.empty() ? "train's defaults" : opt.config_path;
    for (const auto& option : opt.flags.options)
        if (flag_given(opt.flags, option.first)) {
            source += " and flags";
            break;
        }
    print({source, config, *net, true, samples, why}, opt.json);
}

}  // namespace

void setup_summary(CLI::App& app) {
    auto opt = std::make_shared<SummaryOptions>();
    CLI::App* sub = app.add_subcommand(
        "summary", "The net of a config or checkpoint, layer by layer: output shapes, parameters, FLOPs, memory");
    CLI::Option* config = sub->add_option("-c,--config", opt->config_path, "JSON config file (default: train's defaults)");
    sub->add_option("--ckpt", opt->ckpt, kCkptFlagHelp)->excludes(config);
    sub->add_option("--run", opt->run, kRunFlagHelp);
    add_config_flags(*sub, opt->flags);  // what train takes: the net and run its flags make, --data included
    sub->add_flag("--json", opt->json, "print one JSON object on stdout");
    sub->footer(
        "FLOPs are 2 per multiply-add of the conv and linear products (bias, ReLU, pooling, loss and update "
        "left out: 1.4% of LeNet5's forward); training = forward + weight gradients + input gradients (none "
        "for the first layer with parameters), about 3x forward. Memory: parameters, gradients, optimizer "
        "state, and each layer's output and input gradient at the config's batch_size. See docs/metrics.md.");
    sub->callback([opt] { run_summary(*opt); });
}

}  // namespace trainctl
