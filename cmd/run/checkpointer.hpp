// Checkpointer: saves a run's checkpoints by its save policy, prunes by its keep policy, keeps the
// best, maintains prefix-latest, and writes breakpoints. Files go to DIR/PREFIX-*.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ckpt_format/async_writer.hpp"
#include "ckpt_format/ckpt_names.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/ckpt_policy.hpp"
#include "cmd/run/owned_files.hpp"
#include "core/config.hpp"
#include "core/optimizer.hpp"
#include "core/sequential.hpp"
#include "core/train_state.hpp"

namespace trainctl {

// Where "trainctl: saved ..." and warnings go; empty: nowhere (--quiet).
using NoteSink = std::function<void(const std::string& line)>;

class Checkpointer {
public:
    Checkpointer(const RunConfig& config, std::string dir, std::string run_prefix, Sequential& net,
                 Optimizer& optimizer, const TrainState& start, NoteSink notes);

    // Registers this run's checkpoints already in the directory (a resumed run): only files whose
    // metadata names this run, so another run's files are never counted, replaced or deleted.
    void adopt_existing();
    // Removes this prefix's *.tmp left by a killed run. Call with the run's lock held: another
    // live process could be writing them otherwise.
    void remove_stale_temporaries();
    // Writes prefix-graph.meta when absent.
    void write_graph_meta();
    // An mpirun job: its checkpoints' metadata says how many ranks trained it (informational,
    // a resume runs at any number; absent means one process).
    void record_world_size(int ranks) { run_metadata_["world_size"] = std::to_string(ranks); }
    // Called before each save takes the optimizer state: under mpirun on one host it completes rank
    // 0's copy (each rank updates its own shard of it).
    void set_state_sync(std::function<void()> sync) { state_sync_ = std::move(sync); }

    void on_step_end(const TrainState& s);
    // After the epoch's evaluation: its scheduled save (so the file carries the metrics) and keep-best.
    void on_epoch_end(const TrainState& s);
    // End of a normal run: the last step is always saved; waits for any write in flight.
    void finish(const TrainState& s);
    // The breakpoint save (signal, non-finite loss, error); returns its path. `diverged` (why,
    // for a non-finite loss) marks the file in its metadata and leaves prefix-latest where it is.
    std::string save_breakpoint(const TrainState& s, const std::string& diverged = "");

    std::string path_of(const std::string& file) const { return dir_ + "/" + file; }
    // The background writer's costs so far (all zero without --async-save).
    AsyncWriter::Stats writer_stats() const { return async_ ? async_->stats() : AsyncWriter::Stats{}; }

private:
    // The file saved; "" for a best checkpoint whose name holds a file that is not this run's
    // (a step or breakpoint save throws then: a file it cannot prove its own is never replaced).
    std::string save(const TrainState& s, CkptKind kind, const std::string& diverged = "");
    // --async-save: copies the tensors at the step; header, CRCs and the write run in the background.
    void save_in_background(const std::string& file, std::vector<CkptTensorView> tensors, const TrainState& s,
                            const OptimizerScalars& scalars);
    // Returns the saved file's identity (nullopt if it vanished at once).
    std::optional<FileId> save_as_latest(const std::string& file, const std::vector<CkptTensorView>& tensors,
                                         const CkptMetadata& metadata) const;
    // Deletes a file of this run; one that is no longer the file it wrote or adopted stays.
    void drop(const std::string& file);
    void note_left(const std::string& file) const;
    void after_step_save(const TrainState& s, const std::string& file);
    void note(const std::string& line) const;
    // --async-save: says "saved" for the file in flight once it has landed (after a wait), then
    // deletes what the keep policy dropped.
    void announce_landed();
    void delete_doomed();

    const RunConfig& config_;
    std::string dir_, prefix_;
    Sequential& net_;
    Optimizer& optimizer_;
    NoteSink notes_;
    std::function<void()> state_sync_;
    SaveSchedule schedule_;
    std::uint64_t last_saved_step_ = 0;
    std::vector<StepCkpt> step_files_;  // this run's step files and adopted breakpoints, oldest first
    std::vector<BestCkpt> best_files_;
    std::vector<std::string> doomed_;   // pruned by the keep policy; deleted once the newest save is on disk
    OwnedFiles owned_;                  // what this run wrote or adopted: all it may replace or delete
    CkptMetadata run_metadata_;         // the metadata fixed for the whole run, built once
    std::unique_ptr<AsyncWriter> async_;
    std::string in_flight_;             // --async-save: the file being written, not yet announced
    std::optional<FileId> landed_id_;   // set by the background job, read after waiting for it
};

}  // namespace trainctl
