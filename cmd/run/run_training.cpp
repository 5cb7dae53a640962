// run_training: data, net, restore (resume / fine-tune), checkpoints, the loop and breakpoints.
#include "cmd/run/run_training.hpp"

#include <cassert>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/checkpointer.hpp"
#include "cmd/run/ckpt_source.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/diverged_hint.hpp"
#include "cmd/run/grad_reduce_local.hpp"
#include "cmd/run/resume_branch.hpp"
#include "cmd/run/resume_target.hpp"
#include "cmd/run/run_dir.hpp"
#include "cmd/run/run_lock.hpp"
#include "cmd/run/shell_word.hpp"
#include "cmd/run/signals.hpp"
#include "core/address_space.hpp"
#include "core/error.hpp"
#include "core/float_text.hpp"
#include "core/gemm.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

namespace trainctl {

namespace {

class RunHooks : public TrainHooks {
public:
    RunHooks(RunDisplay& progress, Checkpointer& checkpointer) : progress_(progress), checkpointer_(checkpointer) {}
    void on_epoch_begin(const TrainState& s) override { progress_.epoch_begin(s); }
    void on_step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) override {
        progress_.step_end(s, loss, correct, batch);
        checkpointer_.on_step_end(s);
    }
    void on_epoch_end(const TrainState& s) override {
        progress_.epoch_end(s);
        checkpointer_.on_epoch_end(s);
    }
    bool stop_requested() override { return stop_signal() != 0; }

private:
    RunDisplay& progress_;
    Checkpointer& checkpointer_;
};

InitSpec init_spec(const RunConfig& c) {
    InitSpec spec;
    spec.kind = c.init;
    spec.sigma = c.init_sigma;
    return spec;
}

// Another net's checkpoint is named as such, not as a list of every tensor that differs.
void check_same_net(const std::string& from, const nlohmann::json& model, const RunPlan& plan) {
    if (plan.skip_mismatch || !model.is_object() || !model.contains("spec") || !model["spec"].is_object()) return;
    const nlohmann::json net = model["spec"].value("net", nlohmann::json());
    if (!net.is_string() || net.get<std::string>() == plan.config.net.type) return;
    throw Error(from + ": holds net \"" + net.get<std::string>() + "\", the run builds net \"" + plan.config.net.type +
                "\"" + (plan.resume_from.empty() ? " (--skip-mismatch keeps the initial values of tensors that do not fit)" : ""));
}

// The source's tensors into the fresh net (and optimizer, unless reset); a corrupt file is
// refused whole (check_unread: what was not loaded is checked too).
void load_source(CkptSource& source, const RunPlan& plan, Sequential& net, Optimizer& optimizer,
                 std::vector<std::string>* skipped, const std::string& reset_flag) {
    check_same_net(source.reader.path(), source.stored.model, plan);
    load_params(source.reader, net.params(), plan.skip_mismatch, skipped);
    if (!plan.reset_optimizer) load_optimizer(source.reader, source.stored, net.params(), optimizer, reset_flag);
    source.reader.check_unread();
}

// A new run starts at step 0 from the initialized net.
TrainState start_new(const RunPlan& plan) {
    TrainState state;
    state.seed = plan.config.seed;
    return state;
}

// Fine-tuning starts at step 0 from a checkpoint's weights (and optimizer state, unless reset).
TrainState start_fine_tune(const RunPlan& plan, Sequential& net, Optimizer& optimizer) {
    CkptSource source(plan.init_from);
    std::vector<std::string> skipped;
    load_source(source, plan, net, optimizer, &skipped, "--reset-optimizer");
    for (const auto& s : skipped) std::cerr << "trainctl: warning: " << plan.init_from << ": skipped tensor " << s << "\n";
    return start_new(plan);
}

// A resume continues at its checkpoint's state (resume has no --skip-mismatch to suggest).
TrainState start_resume(const RunPlan& plan, CkptSource& source, Sequential& net, Optimizer& optimizer) {
    load_source(source, plan, net, optimizer, nullptr, "");
    return source.stored.state;
}

// The run's directory and prefix, locked: a read-only directory or a live run there fails here,
// before any data is read.
struct LockedRun {
    RunLock lock;
    std::string source_prefix;  // resume: the run its checkpoint is of
    std::string branch_note;    // resume from an older checkpoint: why it continues as a new run
};

// A resume continues its run, or a new run asked for (--out, --prefix: the source directory is
// only read, so its run is not locked), or a new run in the source directory when it would write
// over later checkpoints of its run (cmd/run/resume_branch.hpp).
LockedRun lock_resumed_run(const RunPlan& plan, const std::string& dir, const StoredRun& stored) {
    const std::string run_prefix = resume_prefix(plan.resume_from, stored.run_prefix);
    if (plan.resume_new_run) return {lock_branch_run(dir, plan.config.prefix), run_prefix, ""};
    RunLock lock(dir, run_prefix, "resume");
    // The run's lock is held: none of its files changes while they are looked at.
    const ResumeBranch branch = resume_branch(dir, lock.prefix(), stored.state.global_step);
    if (!branch.needed()) return {std::move(lock), run_prefix, ""};
    RunLock branch_lock = lock_branch_run(dir, branch_base(lock.prefix(), plan.config.prefix));
    const std::string from_file = plan.resume_from.substr(plan.resume_from.rfind('/') + 1);
    std::string note = branch_message(branch, lock.prefix(), from_file, branch_lock.prefix());
    return {std::move(branch_lock), run_prefix, std::move(note)};
}

// The breakpoint save on the way out of a stopped, failed or diverged run: a second Ctrl-C
// meanwhile must tell the truth about it, so the phases go to the signal handler (a failed save
// goes back to "no breakpoint").
std::string save_breakpoint_told(Checkpointer& checkpointer, const TrainState& state, const std::string& diverged = "") {
    breakpoint_saving();
    try {
        return checkpointer.save_breakpoint(state, diverged);
    } catch (...) {
        breakpoint_not_saved();
        throw;
    }
}

std::string continue_hint(const RunPlan& plan, const std::string& bp) {
    return "breakpoint saved: " + bp + " (continue with: " + shell_word(plan.program) + " resume --from " + shell_word(bp) + ")";
}

}  // namespace

void run_training(const RunPlan& plan, RunDisplay& progress) {
    const RunConfig& config = plan.config;
    set_num_threads(config.threads);
    const MnistFiles files = locate_mnist(config.data);
    // A resumed run continues in its checkpoint's directory, unless it was asked for elsewhere.
    const bool in_source_dir = !plan.resume_from.empty() && !plan.resume_new_run;
    const std::string dir = in_source_dir ? checkpoint_dir(plan.resume_from) : config.out;
    CreatedDirs created;  // declared before the lock: the lock file goes first, then the dirs
    make_dirs(dir, created);
    // A resume's checkpoint, opened once (by resume): its metadata picks the run to lock, its
    // tensors restore the net and optimizer.
    CkptSource* resumed = plan.resume_source.get();
    assert(resumed || plan.resume_from.empty());
    const LockedRun locked =
        resumed ? lock_resumed_run(plan, dir, resumed->stored) : LockedRun{lock_new_run(dir, config.prefix), "", ""};
    const std::string& prefix = locked.lock.prefix();
    if (!plan.resume_from.empty() && !plan.quiet)
        std::cerr << "trainctl: "
                  << resuming_line(plan.resume_from, locked.source_prefix, plan.resume_new_run, dir, prefix) << "\n";
    if (!locked.branch_note.empty()) std::cerr << "trainctl: " << locked.branch_note << "\n";
    const LabeledImages train = load_mnist_split(files, "train");
    const LabeledImages test = load_mnist_split(files, "test");
    if (test.rows != train.rows || test.cols != train.cols)  // the Trainer scales both by the train size
        throw Error(files.test_images + ": images are " + std::to_string(test.rows) + "x" + std::to_string(test.cols) +
                    ", expected " + std::to_string(train.rows) + "x" + std::to_string(train.cols) + " like " +
                    files.train_images);
    const std::size_t used = config.train_limit ? std::min(config.train_limit, train.count) : train.count;
    const std::uint64_t steps_per_epoch = Trainer::steps_per_epoch(config, train.count);
    if (steps_per_epoch == 0)
        throw usage_error("batch_size: " + std::to_string(config.batch_size) + " is larger than the " +
                          std::to_string(used) + " training images (drop_remainder is on)");

    auto net = build_net(config.net, config.input);
    net->init_params(config.seed, init_spec(config));
    auto optimizer = make_optimizer(config.optimizer, net->params().total());
    TrainState state = resumed                     ? start_resume(plan, *resumed, *net, *optimizer)
                       : !plan.init_from.empty() ? start_fine_tune(plan, *net, *optimizer)
                                                 : start_new(plan);
    // batch_size, train_limit and drop_remainder are kept (cmd/resume_fixed_keys.hpp): what is
    // left to differ is the training set, e.g. another --data folder.
    if (!plan.resume_from.empty() && state.steps_per_epoch != steps_per_epoch)
        throw usage_error(plan.resume_from + ": saved with " + std::to_string(state.steps_per_epoch) +
                          " steps per epoch, the " + std::to_string(train.count) + " training images in " + files.dir +
                          " give " + std::to_string(steps_per_epoch) + " (a resumed run needs its training set)");
    if (state.epoch >= config.epochs && !plan.resume_from.empty())
        throw usage_error("--epochs: " + plan.resume_from + " already completed " + std::to_string(state.epoch) +
                          " epoch(s); ask for more with --epochs N or --more-epochs K");

    LocalGradReduce grad_reduce;  // the data-parallel mode will reduce over processes here
    Trainer trainer(config, *net, *optimizer, train, &test, &grad_reduce);
    NoteSink notes;
    if (!plan.quiet) notes = [&progress](const std::string& line) { progress.message(line); };
    Checkpointer checkpointer(config, dir, prefix, *net, *optimizer, state, notes);
    checkpointer.remove_stale_temporaries();
    checkpointer.write_graph_meta();
    created.keep();
    if (!plan.resume_from.empty()) checkpointer.adopt_existing();

    RunHooks hooks(progress, checkpointer);
    if (!plan.quiet)
        std::cerr << "trainctl: " << config.net.type << " on " << files.dir << ": " << used << " train / "
                  << test.count << " test images, " << steps_per_epoch << " steps per epoch, "
                  << net->params().total() << " parameters, " << num_threads() << " threads, checkpoints "
                  << dir << "/" << prefix << "-*"
                  << (plan.resume_from.empty() ? "" : ", resuming at global step " + std::to_string(state.global_step))
                  << "\n";

    // Last, with everything else in place: the first steps map one BLAS buffer per engine thread
    // (OpenBLAS never fails there, it spins) and a save takes a snapshot of at most 3 floats per
    // parameter (values and optimizer state) and its writer thread's arena.
    require_address_space(3 * net->params().total() * sizeof(float) + thread_reserve_bytes(),
                          static_cast<std::size_t>(num_threads()),
                          "a checkpoint snapshot and its writer thread");
    install_stop_handlers();
    TrainOutcome outcome;
    try {
        outcome = trainer.run(state, hooks);
    } catch (const Error& e) {
        progress.close_line();  // the error line must not run on from the bar
        if (e.exit_code() == kExitSaveFailed) throw;  // the disk failed: a breakpoint would too
        const std::string bp = save_breakpoint_told(checkpointer, state);
        breakpoint_saved(continue_hint(plan, bp));
        throw Error(std::string(e.what()) + " (breakpoint saved: " + bp + ")", e.exit_code());
    } catch (...) {
        progress.close_line();
        throw;
    }
    if (outcome == TrainOutcome::kFinished) {
        // With --eval false the test set is never scored (`trainctl eval --ckpt` does it later).
        checkpointer.finish(state);
        return;
    }
    if (outcome == TrainOutcome::kNonFinite) {
        progress.close_line();
        const std::string loss = shortest_float_text(state.last_loss), step = std::to_string(state.global_step + 1);
        // Marked diverged: latest skips it, ckpt ls shows it, and prefix-latest stays on a healthy file.
        const std::string bp = save_breakpoint_told(checkpointer, state, "loss " + loss + " at global step " + step);
        const std::string saved = "breakpoint saved: " + bp + " (marked diverged: it holds the diverged weights); " +
                                  diverged_hint(plan.program, dir, prefix, plan.resume_from, state.global_step, config.lr);
        breakpoint_saved(saved);
        throw Error("loss is " + loss + " at global step " + step + ": training diverged; " + saved);
    }
    progress.refresh(state);
    const std::string bp = save_breakpoint_told(checkpointer, state);
    const std::string saved = continue_hint(plan, bp);
    breakpoint_saved(saved);
    const int sig = stop_signal();
    // The leading newline ends the bar's line, or the "^C" the terminal echoed after a loss line.
    std::cerr << "\ntrainctl: stopped by " << stop_signal_name(sig) << " at global step " << state.global_step << "; "
              << saved << "\n";
    throw Error("", kExitSignalBase + sig);  // explained above; 130 SIGINT, 143 SIGTERM, 129 SIGHUP, 141 SIGPIPE
}

}  // namespace trainctl
