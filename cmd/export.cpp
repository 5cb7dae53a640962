// `trainctl export`: a checkpoint's net as ONNX (graph + weights) or its weights alone as
// safetensors, for inference elsewhere. (Tests get trainctl's own logits to compare with from
// tests/tools/reference_logits.cpp: a test hook stays out of the user's CLI.)
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "cmd/commands.hpp"
#include "cmd/onnx_export.hpp"
#include "cmd/run/model_from_ckpt.hpp"
#include "cmd/same_file.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace {

constexpr const char* kBatchDynamic = "dynamic";
constexpr std::int64_t kBatchMax = 65536;

struct ExportOptions {
    std::string ckpt;
    std::string run;
    std::string format;
    std::string out;  // "" = the checkpoint path with the format's extension
    std::string batch = kBatchDynamic;
    int opset = kOnnxOpsetDefault;
    bool onnx_flags_given = false;  // --batch or --opset, which only ONNX uses
};

std::string default_out(const std::string& ckpt, const std::string& format) {
    const std::string ext = format == "onnx" ? ".onnx" : ".safetensors";
    const std::string old_ext = ".ckpt";
    if (ckpt.size() > old_ext.size() && ends_with(ckpt, old_ext))
        return ckpt.substr(0, ckpt.size() - old_ext.size()) + ext;
    return ckpt + ext;
}

std::int64_t parse_batch(const std::string& s) {
    if (s == kBatchDynamic) return 0;
    const auto bad = [&] {
        return usage_error("--batch must be \"dynamic\" or an integer in [1, " + std::to_string(kBatchMax) + "], got \"" +
                           s + "\"");
    };
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos) throw bad();
    const std::int64_t n = std::stoll(s);
    if (n < 1 || n > kBatchMax) throw bad();
    return n;
}

void write_onnx(const LoadedModel& m, const ExportOptions& opt, const std::string& out) {
    const auto& spec = m.stored.model.at("spec");  // build_model has checked that it exists
    if (!spec.contains("input")) throw Error(m.path + ": model description has no spec.input (the input transform)");
    const std::vector<std::string>& names = m.config.net.class_names;
    const OnnxExportOptions onnx_opt{parse_batch(opt.batch), opt.opset, spec["input"].dump(),
                                     names.empty() ? "" : nlohmann::json(names).dump()};
    const std::string bytes = onnx_model_bytes(*m.net, onnx_opt, m.path);
    atomic_write_file(out, {{bytes.data(), bytes.size()}});
    std::cout << "exported " << m.path << " -> " << out << " (ONNX opset " << opt.opset << ", batch " << opt.batch
              << ", " << bytes.size() << " bytes)\n";
}

// Parameters only: what an inference runtime needs, under the same PyTorch names as the .ckpt,
// and the net description (its "spec": the config keys of the net and input transform), with
// which trainctl's own eval and infer rebuild the net (Paddle's save(training=False)).
void write_safetensors(const LoadedModel& m, const std::string& out) {
    const auto tensors = checkpoint_tensors(m.net->params(), /*optimizer=*/nullptr);
    // The writer adds "format": "trainctl.ckpt/1" and CRCs; without "config" and "train_state" the file
    // cannot be mistaken for a training checkpoint (resume rejects it by name).
    const CkptMetadata meta = {{kMetaVersion, TRAINCTL_VERSION}, {kMetaModel, m.stored.model.dump()}};
    ckpt_save(out, tensors, meta);
    std::cout << "exported " << m.path << " -> " << out << " (safetensors, " << tensors.size() << " tensors)\n";
}

// --out may not name the checkpoint; returns the --out path.
std::string refuse_outputs_over(const ExportOptions& opt, const std::string& ckpt_path) {
    const std::string out = opt.out.empty() ? default_out(ckpt_path, opt.format) : opt.out;
    refuse_output_over_input("--out", out, {{"the checkpoint", "--ckpt", ckpt_path}});
    return out;
}

void run_export(const ExportOptions& opt) {
    if (opt.format != "onnx" && opt.onnx_flags_given)
        throw usage_error("--batch and --opset apply to --format onnx only, got --format " + opt.format);
    // The flags are checked as given before the checkpoint is looked up, then against the file found.
    refuse_outputs_over(opt, opt.ckpt);
    parse_batch(opt.batch);  // a bad --batch fails before the checkpoint is read
    const std::string path = resolve_ckpt_flag(opt.ckpt, opt.run);
    const std::string out = refuse_outputs_over(opt, path);
    const LoadedModel m = load_model_from_ckpt(path);
    if (opt.format == "onnx") write_onnx(m, opt, out);
    else write_safetensors(m, out);
}

}  // namespace

void setup_export(CLI::App& app) {
    auto opt = std::make_shared<ExportOptions>();
    auto* sub = app.add_subcommand("export", "Write a checkpoint's net as ONNX, or its weights as safetensors");
    sub->add_option("--ckpt", opt->ckpt, kCkptFlagHelp)->required();
    sub->add_option("--run", opt->run, kRunFlagHelp);
    sub->add_option("--format", opt->format, "onnx (graph and weights) or safetensors (weights and net description, for eval/infer)")
        ->required()
        ->check(CLI::IsMember({"onnx", "safetensors"}));
    sub->add_option("--out", opt->out, "output file (default: the checkpoint path with .onnx or .safetensors)");
    sub->add_option("--batch", opt->batch, "ONNX batch dimension: a fixed size or \"dynamic\" (symbol N)")
        ->capture_default_str();
    sub->add_option("--opset", opt->opset, "ONNX opset version")
        ->capture_default_str()
        ->check(CLI::Range(kOnnxOpsetMin, onnx_opset_max()));
    sub->callback([opt, sub] {
        opt->onnx_flags_given = sub->count("--batch") + sub->count("--opset") > 0;
        run_export(*opt);
    });
}

}  // namespace trainctl
