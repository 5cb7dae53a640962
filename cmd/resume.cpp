// `trainctl resume`: continue a run from its checkpoint, exactly, in its directory and prefix.
#include <iostream>
#include <memory>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/checkpoint_io.hpp"
#include "cmd/ckpt_find.hpp"
#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/run_training.hpp"
#include "core/error.hpp"

namespace trainctl {

struct ResumeOptions {
    std::string from;
    std::string dir = RunConfig{}.out;  // where train writes by default
    std::string run;                    // --run: which run `latest`/DIR continues
    std::size_t more_epochs = 0;
    bool quiet = false;
    bool print_config = false;
    std::string program;  // argv[0], for hints
    ConfigFlags flags;
};

static void run_resume(const ResumeOptions& opt) {
    if (opt.more_epochs > 0 && flag_given(opt.flags, "epochs"))
        throw usage_error("--more-epochs and --epochs both given: use one");
    const std::string path = resolve_checkpoint(opt.from, {"--from", opt.dir, opt.run});
    CkptReader reader(path, CkptDataCrc::kSkip);
    StoredRun stored = read_stored_run(reader);

    // The stored config, with the flags given now on top (recorded in the next checkpoint).
    nlohmann::json j = stored.config_json;
    ConfigOrigins origins;
    for (auto it = j.begin(); it != j.end(); ++it) origins[it.key()] = path + ": stored config key \"" + it.key() + "\"";
    apply_config_flags(opt.flags, j, origins);
    if (opt.more_epochs > 0) j["epochs"] = stored.state.epoch + opt.more_epochs;
    RunPlan plan;
    std::vector<std::string> warnings;
    plan.config = parse_config(j, origins, &warnings);
    for (const auto& w : warnings) std::cerr << "trainctl: warning: " << w << "\n";
    if (opt.print_config) {
        std::cout << to_json(plan.config).dump(2) << "\n";
        return;
    }
    plan.quiet = opt.quiet;
    plan.resume_from = path;
    plan.program = opt.program;
    if (!opt.quiet) std::cerr << "trainctl: resuming " << path << "\n";
    int rc = run_training(plan);
    if (rc != kExitOk) throw Error("", rc);  // already explained on stderr
}

void setup_resume(CLI::App& app) {
    auto opt = std::make_shared<ResumeOptions>();
    CLI::App* sub = app.add_subcommand("resume", "Continue a run from a checkpoint (parameters, optimizer, data order)");
    sub->add_option("--from", opt->from, "checkpoint FILE (here or in --dir), a DIR (its latest), or 'latest': the newest healthy checkpoint of the run saved last in --dir")->required();
    sub->add_option("--dir", opt->dir, "where 'latest' and a bare --from file name are looked up")->capture_default_str();
    sub->add_option("--run", opt->run, "with --from latest or DIR: continue this run (its prefix), not the one saved last");
    sub->add_option("--more-epochs", opt->more_epochs, "train K epochs beyond the checkpoint's")->check(CLI::Range(1, 1000000));
    sub->add_flag("-q,--quiet", opt->quiet, "print only errors and the final metrics");
    sub->add_flag("--print-config", opt->print_config, "print the resolved config as JSON and exit");
    add_config_flags(*sub, opt->flags, FlagDefaults::kFromCheckpoint);
    sub->callback([opt, &app] {
        opt->program = app.get_name();  // CLI11 names the app after argv[0] as it parses
        run_resume(*opt);
    });
}

}  // namespace trainctl
