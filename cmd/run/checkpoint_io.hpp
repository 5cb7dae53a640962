// A training run <-> a .ckpt file: parameters, optimizer slots and the metadata that rebuilds
// the net and continues the run. (cmd/ is the one layer that sees both nets and ckpt_format.)
#pragma once
#include <memory>
#include <string>
#include <vector>
#include <nlohmann/json_fwd.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_types.hpp"
#include "core/config.hpp"
#include "core/optimizer.hpp"
#include "core/sequential.hpp"
#include "core/train_state.hpp"

namespace trainctl {

struct StoredRun;  // cmd/run/stored_run.hpp

// Metadata keys (values are JSON text, as safetensors allows only strings).
constexpr const char* kMetaVersion = "trainctl_version";
constexpr const char* kMetaConfig = "config";
constexpr const char* kMetaModel = "model";
constexpr const char* kMetaState = "train_state";
constexpr const char* kMetaRunPrefix = "run_prefix";

// The net as data: the config keys that build it, its layers and parameters. Written to
// prefix-graph.meta and into every checkpoint, so eval/infer/export need no config.
nlohmann::json describe_model(const RunConfig& config, const Sequential& net);
// Rebuilds the net (uninitialised) from describe_model()'s JSON; errors name `source`.
std::unique_ptr<Sequential> build_model(const nlohmann::json& model, const std::string& source, RunConfig* config_out);

// The tensors of a checkpoint: parameters by name, then optimizer slots as
// "optimizer.<slot>.<param>"; views into the arenas, no copies.
std::vector<CkptTensorView> checkpoint_tensors(const ParamSet& params, Optimizer* optimizer);
// A checkpoint's metadata in two parts: what stays fixed for a run (version, config, model,
// prefix), built once, and what each save adds (training state, optimizer type and step count).
CkptMetadata run_metadata(const RunConfig& config, const Sequential& net, const std::string& run_prefix);
struct OptimizerScalars {
    std::string type;
    std::uint64_t step_count = 0;
};
void add_state_metadata(CkptMetadata& metadata, const TrainState& state, const OptimizerScalars* optimizer);

// The training state a checkpoint's metadata records, with its optimizer entry (empty type when
// absent), each key type-checked: errors name `path` and the key.
struct StoredState {
    TrainState state;
    std::string optimizer_type;
    std::uint64_t optimizer_steps = 0;
};
StoredState read_stored_state(const CkptMetadata& metadata, const std::string& path);

// Copies parameters into the net by name. Without skip_mismatch any missing, extra-shaped or
// absent tensor is an error listing them all (suggesting --skip-mismatch when `skipped` is
// given: the caller can skip); with it they are listed in `skipped`.
void load_params(const CkptReader& reader, ParamSet& params, bool skip_mismatch, std::vector<std::string>* skipped);
// Restores optimizer slots and step count; error when the file holds another optimizer's state.
// `reset_flag`: the flag that drops the stored state (train's --reset-optimizer), named when the
// net's parameters have no fitting state (--skip-mismatch); empty for resume (same net).
void load_optimizer(const CkptReader& reader, const StoredRun& stored, const ParamSet& params, Optimizer& optimizer,
                    const std::string& reset_flag);

}  // namespace trainctl
