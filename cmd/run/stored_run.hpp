// StoredRun: a checkpoint's run as its metadata records it, config and model as JSON values
// (the readers are in cmd/run/checkpoint_io.cpp).
#pragma once
#include <string>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/checkpoint_io.hpp"

namespace trainctl {

// What a checkpoint's metadata says about its run: the stored state (checkpoint_io.hpp), plus how
// to rebuild it.
struct StoredRun : StoredState {
    nlohmann::json config_json;
    nlohmann::json model;
    std::string run_prefix;
};
StoredRun read_stored_run(const CkptReader& reader);
// An inference export (`export --format safetensors`) holds the net description alone: no config,
// no training state. Whether the file is one, and its run as far as it goes: `model` set,
// `config_json` an empty object, a default state. Error when the description is missing.
bool is_inference_export(const CkptReader& reader);
StoredRun read_stored_model(const CkptReader& reader);

}  // namespace trainctl
