// Gathering and restoring a run's tensors and metadata.
#include "cmd/run/checkpoint_io.hpp"

#include <nlohmann/json.hpp>

#include "cmd/run/ckpt_marks.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/error.hpp"
#include "core/json_limit.hpp"
#include "core/optimizer.hpp"
#include "core/params.hpp"
#include "nets/nets.hpp"

namespace trainctl {

using nlohmann::json;

namespace {
// The config keys that decide the net's structure and input transform.
// A description without "conv2_relu" (older files) rebuilds with its default, true: their net.
// A description without "num_classes" (older files) rebuilds with 0: the ten digits (nets/nets.hpp).
const char* const kModelKeys[] = {"net",    "fc_relu",     "conv2_relu", "conv_padding",
                                  "conv_bias", "hidden", "num_classes", "input"};
// The class names beside the spec (they are no config key): a JSON array of strings, one per class.
constexpr const char* kClassNamesKey = "class_names";

// The stored names, checked: as many as the net has outputs, each a non-empty string.
std::vector<std::string> read_class_names(const json& model, std::size_t classes, const std::string& source) {
    if (!model.contains(kClassNamesKey)) return {};
    const json& names = model[kClassNamesKey];
    const std::string where = source + ": model description key \"" + kClassNamesKey + "\"";
    if (!names.is_array() || names.size() != classes)
        throw Error(where + ": expected a list of " + std::to_string(classes) + " class names (one per output), found " +
                    (names.is_array() ? std::to_string(names.size()) + " entries" : std::string("a ") + names.type_name()));
    std::vector<std::string> out;
    for (const json& n : names) {
        if (!n.is_string() || n.get<std::string>().empty())
            throw Error(where + ": expected non-empty strings, found " + n.dump());
        out.push_back(n.get<std::string>());
    }
    return out;
}

std::string slot_tensor_name(const std::string& slot, const std::string& param) {
    return "optimizer." + slot + "." + param;
}

json parse_meta_json(const CkptMetadata& metadata, const std::string& path, const char* key) {
    auto it = metadata.find(key);
    if (it == metadata.end())
        throw Error(path + ": metadata key \"" + key + "\" missing (not a trainctl training checkpoint)");
    json j = parse_json_limited(it->second, path + ": metadata key \"" + key + "\"", kExitError,
                                /*allow_exceptions=*/false);
    if (j.is_discarded()) throw Error(path + ": metadata key \"" + key + "\" is not valid JSON");
    return j;
}
}  // namespace

json describe_model(const RunConfig& config, const Sequential& net) {
    json full = to_json(config);
    json spec = json::object();
    for (const char* key : kModelKeys) spec[key] = full[key];
    json model = {{"format", "trainctl.graph/1"}, {"spec", spec}};
    if (!config.net.class_names.empty()) model[kClassNamesKey] = config.net.class_names;
    net.describe(model["graph"]);
    model["params"] = json::array();
    for (const auto& p : net.params().infos()) {
        std::vector<std::size_t> shape;
        for (std::size_t i = 0; i < p.shape.rank(); ++i) shape.push_back(p.shape[i]);
        model["params"].push_back({{"name", p.name}, {"shape", shape}});
    }
    return model;
}

std::unique_ptr<Sequential> build_model(const json& model, const std::string& source, RunConfig* config_out) {
    if (!model.is_object() || !model.contains("format") || model["format"] != "trainctl.graph/1" ||
        !model.contains("spec"))
        throw Error(source + ": model description missing or not trainctl.graph/1");
    RunConfig config;
    std::unique_ptr<Sequential> net;
    try {
        config = parse_config(model["spec"], {});
        net = build_net(config.net, config.input);  // a net too large for memory is refused here
    } catch (const Error& e) {
        throw Error(source + ": model description: " + e.what());
    }
    config.net.class_names = read_class_names(model, net->out_sample().numel(), source);
    if (config_out) *config_out = config;
    return net;
}

std::vector<CkptTensorView> checkpoint_tensors(const ParamSet& params, Optimizer* optimizer) {
    std::vector<CkptTensorView> views;
    auto add = [&](const std::string& name, const ParamInfo& p, const float* base) {
        views.push_back({name, DType::F32, ckpt_dims(p.shape), base + p.offset, p.size * sizeof(float)});
    };
    for (const auto& p : params.infos()) add(p.name, p, params.values());
    if (optimizer) {
        const auto slots = optimizer->slot_names();
        for (std::size_t s = 0; s < slots.size(); ++s)
            for (const auto& p : params.infos()) add(slot_tensor_name(slots[s], p.name), p, optimizer->slot(s));
    }
    return views;
}

CkptMetadata run_metadata(const RunConfig& config, const Sequential& net, const std::string& run_prefix) {
    return {{kMetaVersion, TRAINCTL_VERSION},
            {kMetaConfig, to_json(config).dump()},
            {kMetaModel, describe_model(config, net).dump()},
            {kMetaRunPrefix, run_prefix}};
}

void add_state_metadata(CkptMetadata& metadata, const TrainState& state, const OptimizerScalars* optimizer) {
    json st = to_json(state);
    if (optimizer) st["optimizer"] = {{"type", optimizer->type}, {"step_count", optimizer->step_count}};
    metadata[kMetaState] = st.dump();
    // Wall clock, unlike elapsed_s: which run was active last (`latest`) survives a copy that resets mtimes.
    metadata[kMetaSavedAt] = saved_at_now();
}

StoredState read_stored_state(const CkptMetadata& metadata, const std::string& path) {
    StoredState s;
    const json st = parse_meta_json(metadata, path, kMetaState);
    s.state = train_state_from_json(st, path);
    if (st.contains("optimizer")) {
        const json& o = st["optimizer"];
        if (!o.is_object() || !o.contains("type") || !o["type"].is_string() || !o.contains("step_count") ||
            !o["step_count"].is_number_unsigned())
            throw Error(path + ": training state key \"optimizer\" must hold a \"type\" string and a "
                        "non-negative integer \"step_count\"");
        s.optimizer_type = o["type"].get<std::string>();
        s.optimizer_steps = o["step_count"].get<std::uint64_t>();
    }
    return s;
}

StoredRun read_stored_run(const CkptReader& reader) {
    StoredRun s;
    s.config_json = parse_meta_json(reader.metadata(), reader.path(), kMetaConfig);
    s.model = parse_meta_json(reader.metadata(), reader.path(), kMetaModel);
    static_cast<StoredState&>(s) = read_stored_state(reader.metadata(), reader.path());
    auto it = reader.metadata().find(kMetaRunPrefix);
    s.run_prefix = it != reader.metadata().end() ? it->second : "";
    return s;
}

bool is_inference_export(const CkptReader& reader) {
    const CkptMetadata& meta = reader.metadata();
    return meta.find(kMetaConfig) == meta.end() && meta.find(kMetaState) == meta.end();
}

StoredRun read_stored_model(const CkptReader& reader) {
    const CkptMetadata& meta = reader.metadata();
    if (meta.find(kMetaModel) == meta.end())
        throw Error(reader.path() + ": metadata key \"" + kMetaModel + "\" (the net description) missing: " +
                    "expected a trainctl checkpoint or a safetensors file from trainctl export");
    StoredRun s;
    s.config_json = json::object();
    s.model = parse_meta_json(meta, reader.path(), kMetaModel);
    return s;
}

void load_params(const CkptReader& reader, ParamSet& params, bool skip_mismatch, std::vector<std::string>* skipped) {
    std::vector<std::string> problems;
    for (const auto& p : params.infos()) {
        const CkptTensorInfo* t = reader.find(p.name);
        if (!t) problems.push_back("\"" + p.name + "\" missing");
        else if (t->dtype != DType::F32 || t->shape != ckpt_dims(p.shape))
            problems.push_back("\"" + p.name + "\" is " + dtype_name(t->dtype) + ckpt_dims_str(t->shape) +
                               ", net needs F32" + p.shape.str());
        else reader.read_f32(p.name, p.shape, params.values() + p.offset);
    }
    if (problems.empty()) return;
    // The first few make the point; a whole other net would otherwise print a line per tensor.
    constexpr std::size_t kShown = 4;
    std::string list;
    for (std::size_t i = 0; i < problems.size() && i < kShown; ++i) list += (list.empty() ? "" : "; ") + problems[i];
    if (problems.size() > kShown)
        list += "; and " + std::to_string(problems.size() - kShown) + " more (ckpt inspect lists the file's tensors)";
    if (!skip_mismatch)
        throw Error(reader.path() + ": " + std::to_string(problems.size()) + " tensor(s) do not fit the net: " + list +
                    (skipped ? " (--skip-mismatch keeps the initial values for them)" : ""));
    if (skipped) *skipped = problems;
}

void load_optimizer(const CkptReader& reader, const StoredRun& stored, const ParamSet& params, Optimizer& optimizer,
                    const std::string& reset_flag) {
    if (stored.optimizer_type != optimizer.spec().type)
        throw Error(reader.path() + ": holds " + (stored.optimizer_type.empty() ? "no" : stored.optimizer_type) +
                    " optimizer state, the run uses " + optimizer.spec().type +
                    " (start with --reset-optimizer to drop it)");
    const auto slots = optimizer.slot_names();
    // A net that differs from the stored one (--skip-mismatch) has parameters without fitting state.
    for (std::size_t s = 0; s < slots.size(); ++s)
        for (const auto& p : params.infos()) {
            const std::string name = slot_tensor_name(slots[s], p.name);
            const CkptTensorInfo* t = reader.find(name);
            if (!reset_flag.empty() && (t == nullptr || t->shape != ckpt_dims(p.shape)))
                throw Error(reader.path() + ": no " + slots[s] + " state for parameter \"" + p.name +
                            "\" of this net (tensor \"" + name + "\" is " + (t ? "another shape" : "absent") +
                            "); start with " + reset_flag + " to begin the optimizer afresh");
        }
    for (std::size_t s = 0; s < slots.size(); ++s)
        for (const auto& p : params.infos())
            reader.read_f32(slot_tensor_name(slots[s], p.name), p.shape, optimizer.slot(s) + p.offset);
    optimizer.set_step_count(stored.optimizer_steps);
}

}  // namespace trainctl
