// A checkpoint's net ready for inference: rebuilt from its "model" metadata, parameters loaded.
#pragma once
#include <memory>
#include <string>

#include "cmd/run/ckpt_find.hpp"
#include "cmd/run/data_split.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/data/mnist.hpp"

namespace trainctl {

struct LoadedModel {
    std::string path;
    RunConfig config;  // the model spec's keys (net, input transform); the rest are defaults
    StoredRun stored;  // the stored config and train_state, for the training metrics
    bool inference_export = false;  // `export --format safetensors`: net and weights, no run
    std::unique_ptr<Sequential> net;
};

// The help of --ckpt and --run, the same for eval, infer and export.
constexpr const char* kCkptFlagHelp =
    "checkpoint FILE (here or in ckpt/), a DIR (its latest), or 'latest' (the latest in ckpt/)";
constexpr const char* kRunFlagHelp = "with --ckpt latest or DIR: that run's latest (its prefix), not the run saved last";
// --ckpt SPEC [--run NAME] resolved as resume --from resolves it, train's default --out as the
// default directory.
std::string resolve_ckpt_flag(const std::string& spec, const std::string& run);

// Verifies the file's CRCs, rebuilds the net (from a training checkpoint or an inference export)
// and loads every parameter (no skipping: a net with missing weights would score nonsense),
// refusing a NaN or infinite one. The net is not yet reserved.
LoadedModel load_model_from_ckpt(const std::string& path);

// MNIST for a checkpoint: --data when given; else the default lookup, then the folder the run
// was trained on (its stored "data" key); the error names every place looked at.
MnistFiles locate_mnist_for(const std::string& data_flag, const LoadedModel& model);

// A split of that data for the checkpoint's net: an image folder labelled by its class names
// (or numbers), every label checked against its class count; the split's warnings and notes
// are left for the caller to print.
LoadedSplit load_split_for(const MnistFiles& files, const std::string& split, const LoadedModel& model);

}  // namespace trainctl
