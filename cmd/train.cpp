// `trainctl train`: a new run from a config file and flags.
#include <iostream>
#include <memory>

#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/run_training.hpp"
#include "core/error.hpp"

namespace trainctl {

struct TrainOptions {
    std::string config_path;
    bool print_config = false;
    bool quiet = false;
    ConfigFlags flags;
};

// Defaults <- config file <- flags, validated.
static RunConfig resolve_config(const TrainOptions& opt) {
    ConfigOrigins origins;
    nlohmann::json j = opt.config_path.empty() ? nlohmann::json::object() : read_config_file(opt.config_path, origins);
    apply_config_flags(opt.flags, j, origins);
    return parse_config(j, origins);
}

static void run_train(const TrainOptions& opt) {
    RunConfig config = resolve_config(opt);
    if (opt.print_config) {
        std::cout << to_json(config).dump(2) << "\n";
        return;
    }
    RunOptions run;
    run.quiet = opt.quiet;
    int rc = run_training(config, run);
    if (rc != kExitOk) throw Error("training stopped", rc);
}

void setup_train(CLI::App& app) {
    auto opt = std::make_shared<TrainOptions>();
    CLI::App* sub = app.add_subcommand("train", "Train a new run (LeNet5 or MLP on MNIST)");
    sub->add_option("-c,--config", opt->config_path, "JSON config file (flags override its keys)");
    sub->add_flag("--print-config", opt->print_config, "print the resolved config as JSON and exit");
    sub->add_flag("-q,--quiet", opt->quiet, "print only errors and the final metrics");
    add_config_flags(*sub, opt->flags);
    sub->callback([opt] { run_train(*opt); });
}

}  // namespace trainctl
