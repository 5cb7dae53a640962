// `trainctl train`: a new run from a config file and flags.
#include <iostream>
#include <memory>

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/run_training.hpp"
#include "core/error.hpp"

namespace trainctl {

struct TrainOptions {
    std::string config_path;
    bool print_config = false;
    bool quiet = false;
    std::string init_from;
    bool skip_mismatch = false;
    bool reset_optimizer = false;
    std::string program;  // argv[0], for hints
    ConfigFlags flags;
};

// Defaults <- config file <- flags, validated.
static RunConfig resolve_config(const TrainOptions& opt) {
    ConfigOrigins origins;
    nlohmann::json j = opt.config_path.empty() ? nlohmann::json::object() : read_config_file(opt.config_path, origins);
    apply_config_flags(opt.flags, j, origins);
    std::vector<std::string> warnings;
    RunConfig config = parse_config(j, origins, &warnings);
    for (const auto& w : warnings) std::cerr << "trainctl: warning: " << w << "\n";
    // Refused here, not by parse_config: a run started before this rule stores such a prefix in
    // its config, and `resume` still reads it (that run branches, see cmd/resume_branch.hpp).
    if (is_reserved_prefix(config.prefix)) {
        const auto origin = origins.find("prefix");
        const std::string where = origin == origins.end() || origin->second == "--prefix"
                                      ? "--prefix " + config.prefix
                                      : origin->second + " is \"" + config.prefix + "\"";
        throw usage_error(where + ": a prefix ending in \"-best\" is reserved for best checkpoints of run \"" +
                          best_files_run_of(config.prefix) +
                          "\" (" + config.prefix + "-E_S.ckpt); choose another");
    }
    return config;
}

static void run_train(const TrainOptions& opt) {
    RunConfig config = resolve_config(opt);
    if (opt.print_config) {
        std::cout << to_json(config).dump(2) << "\n";
        return;
    }
    RunPlan plan;
    plan.config = config;
    plan.quiet = opt.quiet;
    plan.init_from = opt.init_from;
    plan.skip_mismatch = opt.skip_mismatch;
    plan.reset_optimizer = opt.reset_optimizer;
    plan.program = opt.program;
    int rc = run_training(plan);
    if (rc != kExitOk) throw Error("", rc);  // already explained on stderr
}

void setup_train(CLI::App& app) {
    auto opt = std::make_shared<TrainOptions>();
    CLI::App* sub = app.add_subcommand("train", "Train a new run (LeNet5 or MLP on MNIST)");
    sub->add_option("-c,--config", opt->config_path, "JSON config file (flags override its keys)");
    sub->add_flag("--print-config", opt->print_config, "print the resolved config as JSON and exit");
    sub->add_flag("-q,--quiet", opt->quiet, "print only errors and the final metrics");
    sub->add_option("--init-from", opt->init_from, "start from this checkpoint's weights (fine-tuning)")
        ->check(CLI::ExistingFile);
    sub->add_flag("--skip-mismatch", opt->skip_mismatch, "with --init-from: keep initial values for tensors that do not fit");
    sub->add_flag("--reset-optimizer", opt->reset_optimizer, "with --init-from: do not load the optimizer state");
    add_config_flags(*sub, opt->flags);
    sub->callback([opt, &app] {
        opt->program = app.get_name();  // CLI11 names the app after argv[0] as it parses
        run_train(*opt);
    });
}

}  // namespace trainctl
