// `trainctl train`: a new run from a config file and flags.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/progress_display.hpp"
#include "cmd/run/ckpt_find.hpp"
#include "cmd/run/run_training.hpp"

namespace trainctl {

struct TrainOptions {
    std::string config_path;
    bool print_config = false;
    bool quiet = false;
    std::string init_from;
    std::string init_run;  // --init-run: which run `--init-from latest`/DIR takes
    bool skip_mismatch = false;
    bool reset_optimizer = false;
    bool timings = false;
    bool check_replicas = false;  // under mpirun: every step
    std::string program;  // argv[0], for hints
    ConfigFlags flags;
};

namespace {
// Keys whose right value depends on the net: the tutorial's names and input sides.
struct NetDefaults {
    const char* prefix;
    int input_size;
};
NetDefaults net_defaults(const nlohmann::json& net) {
    if (net.is_string() && net.get<std::string>() == "mlp") return {"mlp", 28};
    return {"lenet", 32};  // lenet5, the default net (an unknown name is refused by parse_config)
}

// A net-dependent key not given as a flag takes the trained net's default when the file does not
// set it, or set it for another net (the file's net that --net overrides): `--net mlp` on a LeNet5
// config trains an MLP named mlp-* on 28x28 inputs, not lenet-* on 32x32.
void follow_net_defaults(const ConfigFlags& flags, const nlohmann::json& file_net, nlohmann::json& j,
                         ConfigOrigins& origins) {
    const nlohmann::json net = j.value("net", nlohmann::json("lenet5"));
    const bool net_changed = flag_given(flags, "net") && net != file_net;
    const NetDefaults d = net_defaults(net);
    const std::string why = "the default for net " + net.dump();
    if (!flag_given(flags, "prefix") && (net_changed || !j.contains("prefix"))) {
        j["prefix"] = d.prefix;
        origins["prefix"] = why;
    }
    const bool has_size = j.contains("input") && j["input"].is_object() && j["input"].contains("size");
    if (!flag_given(flags, "input.size") && (net_changed || !has_size)) {
        if (!j.contains("input") || !j["input"].is_object()) j["input"] = nlohmann::json::object();
        j["input"]["size"] = d.input_size;
        origins["input.size"] = why;
    }
}
}  // namespace

// Defaults <- config file <- flags, validated; net-dependent defaults follow the net.
RunConfig resolve_train_config(const std::string& config_path, const ConfigFlags& flags) {
    ConfigOrigins origins;
    nlohmann::json j = config_path.empty() ? nlohmann::json::object() : read_config_file(config_path, origins);
    const nlohmann::json file_net = j.is_object() ? j.value("net", nlohmann::json("lenet5")) : nlohmann::json("lenet5");
    apply_config_flags(flags, j, origins);
    if (j.is_object()) follow_net_defaults(flags, file_net, j, origins);
    std::vector<std::string> warnings;
    RunConfig config = parse_config(j, origins, &warnings);
    for (const auto& w : warnings) std::cerr << "trainctl: warning: " << w << "\n";
    refuse_reserved_prefix(config, origins);
    return config;
}

static void train_command(const TrainOptions& opt) {
    const PhaseClock::time_point started = PhaseClock::now();
    const RunConfig config = resolve_train_config(opt.config_path, opt.flags);
    if (opt.print_config) {
        std::cout << to_json(config).dump(2) << "\n";
        return;
    }
    const RunOptions options{opt.quiet, opt.check_replicas, opt.program, started};
    if (opt.init_from.empty()) {
        ProgressDisplay display(config, opt.quiet, opt.timings);
        run_new(config, options, display);
        return;
    }
    FineTuneFrom from;
    // What resume --from accepts, looked up where eval looks: train's default --out, not this
    // run's (a fine-tune usually writes somewhere new).
    from.path = resolve_checkpoint(opt.init_from, {"--init-from", RunConfig{}.out, opt.init_run, "--init-run"});
    from.skip_mismatch = opt.skip_mismatch;
    from.reset_optimizer = opt.reset_optimizer;
    ProgressDisplay display(config, opt.quiet, opt.timings);
    run_fine_tune(config, from, options, display);
}

void setup_train(CLI::App& app) {
    auto opt = std::make_shared<TrainOptions>();
    CLI::App* sub = app.add_subcommand("train", "Train a new run (LeNet5 or MLP on MNIST, Fashion-MNIST or an image folder)");
    sub->add_option("-c,--config", opt->config_path, "JSON config file (flags override its keys)");
    sub->add_flag("--print-config", opt->print_config, "print the resolved config as JSON and exit");
    sub->add_flag("-q,--quiet", opt->quiet, "print only errors and the final metrics");
    sub->add_flag("--timings", opt->timings, kTimingsFlagHelp);
    sub->add_flag("--check-replicas", opt->check_replicas, kCheckReplicasFlagHelp);
    sub->add_option("--init-from", opt->init_from,
                    "start from this checkpoint's weights (fine-tuning): FILE (here or in ckpt/), a DIR (its latest) "
                    "or 'latest' (the latest in ckpt/)");
    sub->add_option("--init-run", opt->init_run, "with --init-from latest or DIR: that run's latest, not the run saved last");
    sub->add_flag("--skip-mismatch", opt->skip_mismatch, "with --init-from: keep initial values for tensors that do not fit");
    sub->add_flag("--reset-optimizer", opt->reset_optimizer, "with --init-from: do not load the optimizer state");
    add_config_flags(*sub, opt->flags);
    sub->callback([opt, &app] {
        opt->program = app.get_name();  // CLI11 names the app after argv[0] as it parses
        train_command(*opt);
    });
}

}  // namespace trainctl
