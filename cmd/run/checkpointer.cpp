// Save policy, keep policy, keep-best and the latest pointer.
#include "cmd/run/checkpointer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <nlohmann/json.hpp>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/ckpt_marks.hpp"
#include "cmd/run/run_checkpoints.hpp"
#include "core/early_stop.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {
// 2nd, 3rd, 11th, 22nd: how a kept best checkpoint ranks.
std::string ordinal(std::size_t n) {
    const std::size_t tens = n % 100, ones = n % 10;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
    return std::to_string(n) + suffix;
}

CkptName name_at(const std::string& prefix, const TrainState& s, CkptKind kind) {
    return {prefix, s.epoch_1based(), s.step_1based(), kind};
}
}  // namespace

Checkpointer::Checkpointer(const RunConfig& config, std::string dir, std::string run_prefix, Sequential& net,
                           Optimizer& optimizer, const TrainState& start, NoteSink notes)
    : config_(config),
      dir_(std::move(dir)),
      prefix_(std::move(run_prefix)),
      net_(net),
      optimizer_(optimizer),
      notes_(std::move(notes)),
      schedule_(config.ckpt.save, start.elapsed_s),
      last_saved_step_(start.global_step),
      owned_(dir_),
      run_metadata_(run_metadata(config, net, prefix_)) {
    if (config.ckpt.async_save) async_ = std::make_unique<AsyncWriter>();
}

void Checkpointer::note(const std::string& line) const {
    if (notes_) notes_("trainctl: " + line);
}

void Checkpointer::announce_landed() {
    if (in_flight_.empty()) return;
    if (landed_id_) owned_.remember(in_flight_, *landed_id_);
    landed_id_.reset();
    note("saved " + path_of(in_flight_));
    in_flight_.clear();
    delete_doomed();
}

// Every kind of leftover goes, a symlink (dangling or not) included; unlink never follows one.
void Checkpointer::remove_stale_temporaries() {
    for (const std::string& file : list_dir_names(dir_)) {
        if (!is_run_temporary(file, prefix_)) continue;
        if (unlink(path_of(file).c_str()) == 0) note("removed stale temporary " + path_of(file));
    }
}

void Checkpointer::write_graph_meta() {
    const std::string path = path_of(graph_meta_name(prefix_));
    // An existing description is kept; a symlink standing there is replaced, never written through.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return;
    const std::string text = describe_model(config_, net_).dump(2) + "\n";
    atomic_write_file(path, {{text.data(), text.size()}});
}

void Checkpointer::adopt_existing() {
    std::vector<std::string> unreadable;
    for (const RunCheckpoint& c : list_run_checkpoints(dir_, prefix_, &unreadable)) {
        owned_.remember(c.file, c.id);
        const TrainState& st = c.state;
        // A breakpoint counts like a step file: once a later save of the run lands, the keep policy
        // may drop it (it was never pruned, even with --keep-max 2, and piled up over resumes).
        if (c.name.kind != CkptKind::kBest) step_files_.push_back({c.file, st.global_step, 0});
        // Best files carry their metric in the metadata.
        if (c.name.kind != CkptKind::kBest) continue;
        const Monitor monitor = resolved_monitor(config_.ckpt.monitor, config_.val_split > 0);
        if (const auto metric = monitored_value(st, monitor)) best_files_.push_back({c.file, *metric, st.global_step});
    }
    for (const std::string& why : unreadable) note("warning: ignoring " + why);
}

void Checkpointer::drop(const std::string& file) {
    if (!owned_.remove(file)) note_left(file);
}

void Checkpointer::note_left(const std::string& file) const {
    struct stat st {};
    if (::lstat(path_of(file).c_str(), &st) == 0)  // gone (deleted by hand) is what was asked
        note("warning: left " + path_of(file) + " in place: it is no longer the file this run wrote or adopted");
}

std::string Checkpointer::save(const TrainState& s, CkptKind kind, const std::string& diverged) {
    const std::string file = ckpt_file_name(name_at(prefix_, s, kind));
    if (!owned_.may_write(file)) {
        const std::string why = path_of(file) + " exists and is not this run's file (another run's, a symlink or unreadable)";
        if (kind != CkptKind::kBest) throw Error(why + "; not replacing it: move it away and resume", kExitSaveFailed);
        note("warning: " + why + ": best checkpoint not saved, the file is left as it is");
        return "";
    }
    if (state_sync_) state_sync_();
    std::vector<CkptTensorView> tensors = checkpoint_tensors(net_.params(), &optimizer_);
    const OptimizerScalars scalars{optimizer_.spec().type, optimizer_.step_count()};
    if (async_ && kind == CkptKind::kStep) {
        save_in_background(file, std::move(tensors), s, scalars);
        return file;
    }
    if (async_) {
        async_->wait();  // keep files in step order
        announce_landed();
    }
    CkptMetadata metadata = run_metadata_;
    add_state_metadata(metadata, s, &scalars);
    if (!diverged.empty()) metadata[kMetaDiverged] = diverged;
    // Best files are not "latest", nor diverged weights: the pointer stays at the last healthy file.
    if (kind == CkptKind::kBest || !diverged.empty()) {
        ckpt_save(path_of(file), tensors, metadata);
        owned_.remember(file);
        return file;
    }
    if (const std::optional<FileId> id = save_as_latest(file, tensors, metadata)) owned_.remember(file, *id);
    return file;
}

void Checkpointer::save_in_background(const std::string& file, std::vector<CkptTensorView> tensors,
                                      const TrainState& s, const OptimizerScalars& scalars) {
    std::uint64_t bytes = 0;
    for (const CkptTensorView& t : tensors) bytes += t.bytes;
    std::uint8_t* snapshot = async_->buffer(bytes);  // waits for (and checks) the previous write
    announce_landed();
    // The training thread's whole cost: one copy of the step's state. The job reads only the copy.
    for (CkptTensorView& t : tensors) {
        if (t.bytes > 0) std::memcpy(snapshot, t.data, t.bytes);
        t.data = snapshot;
        snapshot += t.bytes;
    }
    async_->submit([this, file, tensors = std::move(tensors), s, scalars] {
        CkptMetadata metadata = run_metadata_;
        add_state_metadata(metadata, s, &scalars);
        landed_id_ = save_as_latest(file, tensors, metadata);
    });
    in_flight_ = file;
}

// The file, then prefix-latest pointing at it; the pointer's directory fsync covers both renames.
// The pointer is a symlink (`eval --ckpt DIR/PREFIX-latest` just works, and it has no data to
// fsync), or a text file holding the name where the filesystem has no symlinks.
// Runs on the writer thread with --async-save: it touches no member that changes.
std::optional<FileId> Checkpointer::save_as_latest(const std::string& file, const std::vector<CkptTensorView>& tensors,
                                                   const CkptMetadata& metadata) const {
    ckpt_save(path_of(file), tensors, metadata, DirSync::kDeferred);
    const std::optional<FileId> id = regular_file_id(path_of(file));
    const std::string pointer = path_of(latest_pointer_name(prefix_));
    if (atomic_symlink(file, pointer)) return id;
    const std::string text = file + "\n";
    atomic_write_file(pointer, {{text.data(), text.size()}});
    return id;
}

void Checkpointer::after_step_save(const TrainState& s, const std::string& file) {
    last_saved_step_ = s.global_step;
    schedule_.saved(s.elapsed_s);
    // A resumed run may rewrite a file it adopted: keep one entry per name.
    step_files_.erase(std::remove_if(step_files_.begin(), step_files_.end(),
                                     [&](const StepCkpt& c) { return c.file == file; }),
                      step_files_.end());
    step_files_.push_back({file, s.global_step, s.elapsed_s});
    if (!async_) note("saved " + path_of(file));  // a background save says so once it has landed
    for (const std::string& old : ckpts_to_delete(step_files_, config_.ckpt.keep_max, config_.ckpt.keep_per_minutes)) {
        step_files_.erase(std::remove_if(step_files_.begin(), step_files_.end(),
                                         [&](const StepCkpt& c) { return c.file == old; }),
                          step_files_.end());
        doomed_.push_back(old);
    }
    // A dropped file goes once the file that replaces it is on disk: now, or when a background
    // save lands. So --keep-max N leaves N files after each save.
    if (!async_) delete_doomed();
}

void Checkpointer::delete_doomed() {
    for (const std::string& old : doomed_) drop(old);
    doomed_.clear();
}

void Checkpointer::on_step_end(const TrainState& s) {
    // A finished background write is announced (or its error raised) at the next step.
    if (!in_flight_.empty() && !async_->busy()) {
        async_->wait();
        announce_landed();
    }
    if (s.step_in_epoch == 0) return;  // an epoch's last step: on_epoch_end saves, after evaluation
    if (schedule_.due(s.global_step, s.elapsed_s, /*epoch_end=*/false)) after_step_save(s, save(s, CkptKind::kStep));
}

void Checkpointer::on_epoch_end(const TrainState& s) {
    if (schedule_.due(s.global_step, s.elapsed_s, /*epoch_end=*/true)) after_step_save(s, save(s, CkptKind::kStep));
    if (config_.ckpt.keep_best == 0) return;
    const Monitor monitor = resolved_monitor(config_.ckpt.monitor, config_.val_split > 0);
    const std::optional<double> value = monitored_value(s, monitor);
    if (!value) return;
    const bool higher_is_better = trainctl::higher_is_better(monitor);
    const double metric = *value;
    if (!enters_best(best_files_, metric, higher_is_better, config_.ckpt.keep_best)) return;
    const std::string file = save(s, CkptKind::kBest);
    if (file.empty()) return;
    best_files_.push_back({file, metric, s.global_step});
    for (const std::string& dropped : trim_best(best_files_, higher_is_better, config_.ckpt.keep_best)) drop(dropped);
    // best_files_ is sorted best-first now: the label says where this epoch ranks, truly.
    const auto rank = static_cast<std::size_t>(
        std::find_if(best_files_.begin(), best_files_.end(), [&](const BestCkpt& b) { return b.file == file; }) -
        best_files_.begin()) + 1;
    note("saved " + path_of(file) + " (" + (rank == 1 ? std::string("best ") : ordinal(rank) + " best ") +
         monitor_name(config_.val_split > 0 ? monitor : config_.ckpt.monitor) + " so far" +
         (config_.ckpt.keep_best > 1 ? ", keeping the best " + std::to_string(config_.ckpt.keep_best) : std::string()) + ")");
}

void Checkpointer::finish(const TrainState& s) {
    if (last_saved_step_ != s.global_step) after_step_save(s, save(s, CkptKind::kStep));
    if (async_) async_->wait();
    announce_landed();
    delete_doomed();
}

std::string Checkpointer::save_breakpoint(const TrainState& s, const std::string& diverged) {
    if (async_) {
        try {
            async_->wait();
            announce_landed();
        } catch (const Error& e) {
            in_flight_.clear();
            note(std::string("warning: the last background save failed: ") + e.what());
        }
    }
    const std::string file = save(s, CkptKind::kBreakpoint, diverged);
    delete_doomed();
    return path_of(file);
}

}  // namespace trainctl
