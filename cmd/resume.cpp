// `trainctl resume`: continue a run from its checkpoint, exactly: in its directory under its
// prefix, or as a new run elsewhere (--out, --prefix) leaving the source as it is.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cmd/commands.hpp"
#include "cmd/config_flags.hpp"
#include "cmd/progress_display.hpp"
#include "cmd/resume_config.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/ckpt_find.hpp"
#include "cmd/run/resume_target.hpp"
#include "cmd/run/run_training.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/error.hpp"

namespace trainctl {

struct ResumeOptions {
    std::string from;
    std::string dir = RunConfig{}.out;  // where train writes by default
    std::string config_path;
    std::string run;                    // --run: which run `latest`/DIR continues
    std::size_t more_epochs = 0;
    bool quiet = false;
    bool print_config = false;
    bool timings = false;
    bool check_replicas = false;  // under mpirun: every step
    std::string program;  // argv[0], for hints
    ConfigFlags flags;
};

static void resume_command(const ResumeOptions& opt) {
    const PhaseClock::time_point started = PhaseClock::now();
    if (opt.more_epochs > 0 && flag_given(opt.flags, "epochs"))
        throw usage_error("--more-epochs and --epochs both given: use one");
    // Opened once: its stored run resolves the config here, and the run locks and restores from it.
    ResumeFrom from(resolve_checkpoint(opt.from, {"--from", opt.dir, opt.run}));
    const StoredRun& stored = from.source.stored;
    const ResumeConfig rc = resume_config(from.path, stored, opt.config_path, opt.flags, opt.more_epochs);
    from.new_run =
        resume_asks_new_run(rc.resumed, from.path, resume_prefix(from.path, stored.run_prefix), rc.stored.prefix);
    // A new prefix is held to train's rule; the stored one may predate it (that run branches).
    if (rc.resumed.prefix != rc.stored.prefix) refuse_reserved_prefix(rc.resumed, rc.origins);
    if (opt.print_config) {
        std::cout << to_json(rc.resumed).dump(2) << "\n";
        return;
    }
    ProgressDisplay display(rc.resumed, opt.quiet, opt.timings);
    run_resume(rc.resumed, from, {opt.quiet, opt.check_replicas, opt.program, started}, display);
}

void setup_resume(CLI::App& app) {
    auto opt = std::make_shared<ResumeOptions>();
    CLI::App* sub = app.add_subcommand("resume", "Continue a run from a checkpoint (parameters, optimizer, data order)");
    sub->add_option("--from", opt->from, "checkpoint FILE (here or in --dir), a DIR (its latest), or 'latest': the newest healthy checkpoint of the run saved last in --dir")->required();
    sub->add_option("--dir", opt->dir, "where 'latest' and a bare --from file name are looked up")->capture_default_str();
    sub->add_option("-c,--config", opt->config_path,
                    "JSON config file: its keys replace the stored ones, flags override it (its out and prefix "
                    "branch the run like --out and --prefix)");
    sub->add_option("--run", opt->run, "with --from latest or DIR: continue this run (its prefix), not the one saved last");
    sub->add_option("--more-epochs", opt->more_epochs, "train K epochs beyond the checkpoint's")->check(CLI::Range(1, 1000000));
    sub->add_flag("-q,--quiet", opt->quiet, "print only errors and the final metrics");
    sub->add_flag("--timings", opt->timings, kTimingsFlagHelp);
    sub->add_flag("--check-replicas", opt->check_replicas, kCheckReplicasFlagHelp);
    sub->add_flag("--print-config", opt->print_config, "print the resolved config as JSON and exit");
    add_config_flags(*sub, opt->flags, FlagDefaults::kFromCheckpoint);
    sub->callback([opt, &app] {
        opt->program = app.get_name();  // CLI11 names the app after argv[0] as it parses
        resume_command(*opt);
    });
}

}  // namespace trainctl
