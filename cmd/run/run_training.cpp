// Each run mode as the shared steps in order, plus what only that mode does (its restore, lock, checks).
#include "cmd/run/run_training.hpp"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/mpi_world.hpp"
#include "cmd/run/resume_branch.hpp"
#include "cmd/run/resume_target.hpp"
#include "cmd/run/run_loop.hpp"
#include "cmd/run/run_steps.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

// Loads the data and says what loading found (skipped files: always; notes: unless quiet).
RunData timed_load(const RunConfig& config, const MnistFiles& files, PhaseTimes& phases, const RunOptions& options,
                   const std::vector<std::string>* stored_names = nullptr) {
    RunData data;
    {
        PhaseTimer timer(phases.data_s);
        data = load_run_data(config, files, stored_names);
    }
    if (mpi_writer())
        for (const std::string& m : data.messages)
            if (!options.quiet || m.rfind("warning:", 0) == 0) std::cerr << "trainctl: " << m << "\n";
    return data;
}

// The class names a checkpoint's net was trained with (none: a set without names).
std::vector<std::string> stored_class_names(const StoredRun& stored) {
    std::vector<std::string> names;
    if (stored.model.is_object() && stored.model.contains("class_names") && stored.model["class_names"].is_array())
        for (const auto& n : stored.model["class_names"])
            if (n.is_string()) names.push_back(n.get<std::string>());
    return names;
}

// The checkpoint's weights into the fresh net, and its optimizer state unless reset; a corrupt
// file is refused whole (check_unread: what was not loaded is checked too).
void load_fine_tune(const FineTuneFrom& from, const RunConfig& config, RunModel& model) {
    CkptSource source(from.path);
    if (!from.skip_mismatch)
        check_same_net(source, config.net.type,
                       " (--skip-mismatch keeps the initial values of tensors that do not fit)");
    std::vector<std::string> skipped;
    load_params(source.reader, model.net->params(), from.skip_mismatch, &skipped);
    if (!from.reset_optimizer)
        load_optimizer(source.reader, source.stored, model.net->params(), *model.optimizer, "--reset-optimizer");
    source.reader.check_unread();
    for (const auto& s : skipped) std::cerr << "trainctl: warning: " << from.path << ": skipped tensor " << s << "\n";
}

// A resume takes every tensor and the optimizer state (it has no flag to skip or reset them).
void load_resumed(CkptSource& source, const RunConfig& config, RunModel& model) {
    check_same_net(source, config.net.type, "");
    load_params(source.reader, model.net->params(), false, nullptr);
    load_optimizer(source.reader, source.stored, model.net->params(), *model.optimizer, "");
    source.reader.check_unread();
}

// The resumed run's directory and prefix, locked.
struct LockedRun {
    RunLock lock;
    std::string source_prefix;  // the run the checkpoint is of
    std::string branch_note;    // resume from an older checkpoint: why it continues as a new run
};

// Makes `dir`, then locks: the checkpoint's run, or a new run asked for (--out, --prefix: the
// source directory is only read, so its run is not locked), or a new run in the source directory
// when it would write over later checkpoints of its run (cmd/run/resume_branch.hpp).
LockedRun make_and_lock_resumed_run(const RunConfig& config, const ResumeFrom& from, const std::string& dir,
                                    CreatedDirs& created) {
    make_dirs(dir, created);
    const StoredRun& stored = from.source.stored;
    const std::string run_prefix = resume_prefix(from.path, stored.run_prefix);
    if (from.new_run) return {lock_branch_run(dir, config.prefix), run_prefix, ""};
    RunLock lock(dir, run_prefix, "resume");
    // The run's lock is held: none of its files changes while they are looked at.
    const ResumeBranch branch = resume_branch(dir, lock.prefix(), stored.state.global_step);
    if (!branch.needed()) return {std::move(lock), run_prefix, ""};
    RunLock branch_lock = lock_branch_run(dir, branch_base(lock.prefix(), config.prefix));
    const std::string from_file = from.path.substr(from.path.rfind('/') + 1);
    std::string note = branch_message(branch, lock.prefix(), from_file, branch_lock.prefix());
    return {std::move(branch_lock), run_prefix, std::move(note)};
}

// batch_size, train_limit and drop_remainder are kept (cmd/resume_fixed_keys.hpp): what is left
// to differ is the training set, e.g. another --data folder. And there must be epochs left.
void check_resumable(const RunConfig& config, const std::string& from, const TrainState& state, const RunData& data) {
    if (state.steps_per_epoch != data.steps_per_epoch)
        throw usage_error(from + ": saved with " + std::to_string(state.steps_per_epoch) + " steps per epoch, the " +
                          std::to_string(data.train.count) + " training images in " + data.files.dir + " give " +
                          std::to_string(data.steps_per_epoch) + " (a resumed run needs its training set)");
    if (state.epoch >= config.epochs)
        throw usage_error("--epochs: " + from + " already completed " + std::to_string(state.epoch) +
                          " epoch(s); ask for more with --epochs N or --more-epochs K");
}

}  // namespace

namespace {

// A new run in config.out, from fresh weights or (fine-tune) from a checkpoint's.
void start_run(const RunConfig& config, const FineTuneFrom* fine_tune, const RunOptions& options,
               RunDisplay& display) {
    const MnistFiles files = set_threads_and_find_data(config);
    CreatedDirs created;  // before the lock: the lock file goes first, then the dirs
    const std::optional<RunLock> lock = make_and_lock_new_run(config, created);
    PhaseTimes phases;
    const RunData data = timed_load(config, files, phases, options);
    const RunConfig run = with_data_classes(config, data);  // the net's classes: what the data holds
    RunModel model = init_model(run);
    if (fine_tune) load_fine_tune(*fine_tune, run, model);
    TrainState state = new_run_state(run);
    train_and_checkpoint(run, options, {run.out, lock ? lock->prefix() : run.prefix, "", ""}, created, data, model,
                         state, display, phases);
}

}  // namespace

void run_new(const RunConfig& config, const RunOptions& options, RunDisplay& display) {
    start_run(config, nullptr, options, display);
}

void run_fine_tune(const RunConfig& config, const FineTuneFrom& from, const RunOptions& options, RunDisplay& display) {
    start_run(config, &from, options, display);
}

void run_resume(const RunConfig& config, ResumeFrom& from, const RunOptions& options, RunDisplay& display) {
    const MnistFiles files = set_threads_and_find_data(config);
    // The run continues in its checkpoint's directory, unless it was asked for elsewhere.
    const std::string dir = from.new_run ? config.out : checkpoint_dir(from.path);
    CreatedDirs created;  // before the lock: the lock file goes first, then the dirs
    // Under mpirun every rank reads the checkpoint itself (no broadcast: the file is small and each
    // rank reads its data set anyway), rank 0 alone locks and writes.
    std::optional<LockedRun> locked;
    if (mpi_writer()) locked.emplace(make_and_lock_resumed_run(config, from, dir, created));
    const std::string prefix = locked ? locked->lock.prefix() : "";
    if (!options.quiet && locked)
        std::cerr << "trainctl: " << resuming_line(from.path, locked->source_prefix, from.new_run, dir, prefix) << "\n";
    if (locked && !locked->branch_note.empty()) std::cerr << "trainctl: " << locked->branch_note << "\n";
    PhaseTimes phases;
    const std::vector<std::string> names = stored_class_names(from.source.stored);
    const RunData data = timed_load(config, files, phases, options, &names);
    const RunConfig run = with_data_classes(config, data);
    RunModel model = init_model(run);
    load_resumed(from.source, run, model);
    TrainState state = from.source.stored.state;
    check_resumable(run, from.path, state, data);
    const std::string metrics_from =
        locked ? checkpoint_dir(from.path) + "/" + metrics_csv_name(locked->source_prefix) : "";
    train_and_checkpoint(run, options, {dir, prefix, from.path, metrics_from}, created, data, model, state, display,
                         phases);
}

}  // namespace trainctl
