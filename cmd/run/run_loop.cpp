// The training loop with its checkpoints, and the breakpoint saves on the way out.
#include "cmd/run/run_loop.hpp"

#include <iostream>
#include <optional>

#include "cmd/run/checkpointer.hpp"
#include "cmd/run/diverged_hint.hpp"
#include "cmd/run/grad_reduce_local.hpp"
#include "cmd/run/grad_reduce_mpi.hpp"
#include "cmd/run/metrics_log.hpp"
#include "cmd/run/mpi_world.hpp"
#include "cmd/run/shell_word.hpp"
#include "cmd/run/signals.hpp"
#include "core/address_space.hpp"
#include "core/early_stop.hpp"
#include "core/error.hpp"
#include "core/float_text.hpp"
#include "core/gemm.hpp"
#include "core/trainer.hpp"

namespace trainctl {

namespace {

// Every rank holds the same parameters after every step (the same reduced gradients, the same
// update); checked on a hash of the arenas at the end of an mpirun job, and after every step with
// --check-replicas. Every rank sees the same verdict, so all leave together and rank 0 says why.
void check_replicas(const Sequential& net, std::uint64_t global_step) {
    const ParamSet& params = net.params();
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the values' bytes
    const auto* bytes = reinterpret_cast<const unsigned char*>(params.values());
    for (std::size_t i = 0; i < params.total() * sizeof(float); ++i) h = (h ^ bytes[i]) * 1099511628211ULL;
    if (mpi_same_everywhere(h)) return;
    mpi_exit_agreed();
    throw Error(mpi_rank() != 0 ? "" : "the ranks' parameters differ after global step " + std::to_string(global_step) +
                                           ": the replicas diverged, please report it", kExitError);
}

// --check-replicas: the check after every step, on every rank at the same point of the step.
class ReplicaCheck {
public:
    ReplicaCheck(const Sequential& net, bool every_step) : net_(net), every_step_(every_step) {}
    void after_step(const TrainState& s) {
        if (!every_step_) return;
        check_replicas(net_, s.global_step);
        ++checked_;
    }
    std::uint64_t checked() const { return checked_; }

private:
    const Sequential& net_;
    bool every_step_;
    std::uint64_t checked_ = 0;
};

class RunHooks : public TrainHooks {
public:
    RunHooks(RunDisplay& progress, MetricsLog& metrics, Checkpointer& checkpointer, double& save_s,
             const MpiGradReduce* mpi, ReplicaCheck& replicas)
        : progress_(progress), metrics_(metrics), checkpointer_(checkpointer), save_s_(save_s), mpi_(mpi),
          replicas_(replicas) {}
    void on_epoch_begin(const TrainState& s) override { progress_.epoch_begin(s); }
    // The row before the save: a checkpoint at step S always finds the log's rows up to S written.
    void on_step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) override {
        replicas_.after_step(s);
        progress_.step_end(s, loss, correct, batch);
        metrics_.step_end(s, loss, batch);
        PhaseTimer timer(save_s_);
        checkpointer_.on_step_end(s);
    }
    void on_epoch_end(const TrainState& s) override {
        progress_.epoch_end(s);
        metrics_.epoch_end(s);
        PhaseTimer timer(save_s_);
        checkpointer_.on_epoch_end(s);
    }
    // Under mpirun: the stop all ranks agreed on in the last step's allreduce.
    bool stop_requested() override { return (mpi_ ? mpi_->agreed_stop() : stop_signal()) != 0; }

private:
    RunDisplay& progress_;
    MetricsLog& metrics_;
    Checkpointer& checkpointer_;
    double& save_s_;
    const MpiGradReduce* mpi_;
    ReplicaCheck& replicas_;
};

// A rank other than 0 of an mpirun job: steps with the others, shows and writes nothing.
class WorkerHooks : public TrainHooks {
public:
    WorkerHooks(const MpiGradReduce& mpi, ReplicaCheck& replicas) : mpi_(mpi), replicas_(replicas) {}
    void on_step_end(const TrainState& s, float, std::size_t, std::size_t) override { replicas_.after_step(s); }
    bool stop_requested() override { return mpi_.agreed_stop() != 0; }

private:
    const MpiGradReduce& mpi_;
    ReplicaCheck& replicas_;
};

// Ranks > 0: the same steps, no files; a stop or divergence is agreed, so they leave with rank 0's code.
void train_as_worker(Trainer& trainer, TrainState& state, Sequential& net, Optimizer& optimizer, MpiGradReduce& mpi,
                     MpiStepPath path, ReplicaCheck& replicas) {
    WorkerHooks hooks(mpi, replicas);
    mpi_agree_setup();
    mpi.start_steps(path, net.params(), optimizer);
    install_stop_handlers();
    const TrainOutcome outcome = trainer.run(state, hooks);
    check_replicas(net, state.global_step);
    if (outcome == TrainOutcome::kFinished || outcome == TrainOutcome::kEarlyStopped) return;
    mpi_exit_agreed();
    if (outcome == TrainOutcome::kNonFinite) throw Error("", kExitError);
    throw Error("", kExitSignalBase + mpi.agreed_stop());
}

// After the data folder on the start line: what a one-tree image folder is scored on.
std::string data_layout_note(const RunData& data) {
    if (data.has_test) return "";
    if (data.val.count > 0) return " (one tree: no test set)";
    return " (one tree, no --val-split: no validation or test set, nothing is scored)";
}

// The two lines that say what runs: net, data and sizes; then parameters, threads, steps and where
// the checkpoints go (one line of both took 170 columns; the tutorial's two fit 80).
void say_run_started(const RunConfig& config, const RunTarget& target, const RunData& data, const RunModel& model,
                     const TrainState& state) {
    std::cerr << "trainctl: " << config.net.type << " on " << data.files.dir << data_layout_note(data) << ": "
              << data.used << " train"
              << (data.val.count > 0 ? " / " + std::to_string(data.val.count) + " val" : "")
              << (data.has_test ? " / " + std::to_string(data.test.count) + " test" : "") << " images"
              << (data.skipped_bad ? " (" + std::to_string(data.skipped_bad) + " bad skipped)" : "") << ", "
              << data.num_classes << " classes\n"
              << "trainctl: " << model.net->params().total() << " params, " << num_threads()
              << (num_threads() == 1 ? " thread" : " threads")
              << (mpi_active() ? " per rank x " + std::to_string(mpi_size()) + " ranks" : "") << ", "
              << data.steps_per_epoch << " steps/epoch, checkpoints "
              << target.dir << "/" << target.prefix << "-*"
              << (target.resumed_from.empty() ? "" : ", resuming at global step " + std::to_string(state.global_step))
              << "\n";
}

// An mpirun job's communication: the steps' gradient reductions (allreduces, or the shared-memory
// reduce where each rank updates its shard), their size and mean time (rank 0's).
void say_reduce_costs(const MpiGradReduce& mpi, RunDisplay& display, std::uint64_t replica_checks) {
    if (mpi.reduce_calls() == 0) return;
    const double ms = 1e3 * mpi.reduce_seconds() / static_cast<double>(mpi.reduce_calls());
    display.message("trainctl: " + std::to_string(mpi.ranks()) + " ranks: " + std::to_string(mpi.reduce_calls()) +
                    (mpi.shared() ? " gradient reductions of " : " allreduces of ") + std::to_string(mpi.reduce_bytes()) +
                    " bytes, " +
                    shortest_float_text(static_cast<float>(ms)) + " ms each on rank 0" +
                    (mpi.shared() ? " (through shared memory, each rank updating its shard)" : "") +
                    (replica_checks ? "; replicas identical after each of " + std::to_string(replica_checks) +
                                          " steps (--check-replicas)"
                                    : ""));
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

std::string continue_hint(const RunOptions& options, const std::string& bp) {
    return "breakpoint saved: " + bp + " (continue with: " + shell_word(options.program) + " resume --from " +
           shell_word(bp) + ")";
}

// The loop itself; an Error in it saves a breakpoint first (unless the disk failed: it would too).
TrainOutcome train_or_save_breakpoint(Trainer& trainer, TrainState& state, RunHooks& hooks, Checkpointer& checkpointer,
                                      const RunOptions& options, RunDisplay& display) {
    try {
        return trainer.run(state, hooks);
    } catch (const Error& e) {
        display.close_line();  // the error line must not run on from the bar
        if (e.exit_code() == kExitSaveFailed) throw;
        const std::string bp = save_breakpoint_told(checkpointer, state);
        breakpoint_saved(continue_hint(options, bp));
        throw Error(std::string(e.what()) + " (breakpoint saved: " + bp + ")", e.exit_code());
    } catch (...) {
        display.close_line();
        throw;
    }
}

// A non-finite loss: the breakpoint is marked diverged (latest skips it, ckpt ls shows it, and
// prefix-latest stays on a healthy file), and the error says where to go on from.
[[noreturn]] void save_diverged(Checkpointer& checkpointer, const TrainState& state, const RunConfig& config,
                                const RunOptions& options, const RunTarget& target, RunDisplay& display) {
    display.close_line();
    const std::string loss = shortest_float_text(state.last_loss), step = std::to_string(state.global_step + 1);
    const std::string bp = save_breakpoint_told(checkpointer, state, "loss " + loss + " at global step " + step);
    const std::string saved =
        "breakpoint saved: " + bp + " (marked diverged: it holds the diverged weights); " +
        diverged_hint(options.program, target.dir, target.prefix, target.resumed_from, state.global_step, config.lr);
    breakpoint_saved(saved);
    throw Error("loss is " + loss + " at global step " + step + ": training diverged; " + saved);
}

// A stop signal: the breakpoint, then the line that says so (the exit code is the signal's).
[[noreturn]] void save_stopped(Checkpointer& checkpointer, const TrainState& state, const RunOptions& options,
                               RunDisplay& display, int sig) {
    display.refresh(state);
    const std::string bp = save_breakpoint_told(checkpointer, state);
    const std::string saved = continue_hint(options, bp);
    breakpoint_saved(saved);
    // The leading newline ends the bar's line, or the "^C" the terminal echoed after a loss line.
    std::cerr << "\ntrainctl: stopped by " << stop_signal_name(sig) << " at global step " << state.global_step << "; "
              << saved << "\n";
    throw Error("", kExitSignalBase + sig);  // explained above; 130 SIGINT, 143 SIGTERM, 129 SIGHUP, 141 SIGPIPE
}

}  // namespace

void train_and_checkpoint(const RunConfig& config, const RunOptions& options, const RunTarget& target,
                          CreatedDirs& created, const RunData& data, RunModel& model, TrainState& state,
                          RunDisplay& display, PhaseTimes phases) {
    Sequential& net = *model.net;
    LocalGradReduce local_reduce;
    std::optional<MpiGradReduce> mpi;  // started by mpirun -np N > 1: one reduce per step over all ranks
    MpiStepPath path = MpiStepPath::kAllreduce;
    if (mpi_size() > 1) {
        mpi.emplace();
        path = mpi_step_path_from_env();  // a bad TRAINCTL_MPI_REDUCE fails the set-up agreement
    }
    GradReduce* grad_reduce = mpi ? static_cast<GradReduce*>(&*mpi) : &local_reduce;
    Trainer trainer(config, net, *model.optimizer, data.train, data.has_test ? &data.test : nullptr, grad_reduce);
    if (data.val.count > 0) trainer.set_validation(&data.val);
    ReplicaCheck replicas(net, mpi && options.check_replicas);
    if (mpi && !mpi_writer()) return train_as_worker(trainer, state, net, *model.optimizer, *mpi, path, replicas);
    NoteSink notes;
    if (!options.quiet) notes = [&display](const std::string& line) { display.message(line); };
    Checkpointer checkpointer(config, target.dir, target.prefix, net, *model.optimizer, state, notes);
    checkpointer.remove_stale_temporaries();
    // The log agrees with the checkpoint the run starts from: a resume drops the rows past it.
    // First: a log the run may not replace stops the run before it writes anything.
    const std::string metrics_path = checkpointer.path_of(metrics_csv_name(target.prefix));
    if (target.resumed_from.empty()) start_metrics_csv(metrics_path);
    else continue_metrics_csv(target.metrics_from, metrics_path, state.global_step);
    MetricsLog metrics(metrics_path, config.log_every, state);
    checkpointer.write_graph_meta();
    if (mpi_active()) checkpointer.record_world_size(mpi_size());
    created.keep();
    if (!target.resumed_from.empty()) checkpointer.adopt_existing();

    RunHooks hooks(display, metrics, checkpointer, phases.save_s, mpi ? &*mpi : nullptr, replicas);
    if (!options.quiet) say_run_started(config, target, data, model, state);
    // Last, with everything else in place: the first steps map one BLAS buffer per engine thread
    // (OpenBLAS never fails there, it spins) and a save takes a snapshot of at most 3 floats per
    // parameter (values and optimizer state) and its writer thread's arena.
    require_address_space(3 * net.params().total() * sizeof(float) + thread_reserve_bytes(),
                          static_cast<std::size_t>(num_threads()), "a checkpoint snapshot and its writer thread");
    mpi_agree_setup();  // every rank set up well, before the first step's allreduce
    if (mpi) {
        mpi->start_steps(path, net.params(), *model.optimizer);
        // On the shared path each rank updates its shard of the optimizer state: a save first copies
        // in the others'.
        checkpointer.set_state_sync([&mpi] { mpi->gather_state(); });
    }
    install_stop_handlers();
    const TrainOutcome outcome = train_or_save_breakpoint(trainer, state, hooks, checkpointer, options, display);
    if (mpi) {
        check_replicas(net, state.global_step);
        if (!options.quiet) say_reduce_costs(*mpi, display, replicas.checked());
        if (outcome != TrainOutcome::kFinished && outcome != TrainOutcome::kEarlyStopped) mpi_exit_agreed();
    }
    if (outcome == TrainOutcome::kFinished || outcome == TrainOutcome::kEarlyStopped) {
        // With --eval false the test set is never scored (`trainctl eval --ckpt` does it later).
        {
            PhaseTimer timer(phases.save_s);
            checkpointer.finish(state);
        }
        // After the final save, last before the timings; also with -q: it says why the run ended
        // before its epochs were done.
        if (outcome == TrainOutcome::kEarlyStopped)
            display.message("trainctl: early stop at epoch " + std::to_string(state.epoch) + ": " +
                            early_stop_reason(state, config.early_stop));
        const PhaseTimes loop = trainer.phase_times();
        phases.batches_s = loop.batches_s;
        phases.steps_s = loop.steps_s;
        phases.eval_s = loop.eval_s;
        phases.wall_s = std::chrono::duration<double>(PhaseClock::now() - options.started).count();
        display.finished(phases);
        return;
    }
    if (outcome == TrainOutcome::kNonFinite) save_diverged(checkpointer, state, config, options, target, display);
    save_stopped(checkpointer, state, options, display, mpi ? mpi->agreed_stop() : stop_signal());
}

}  // namespace trainctl
