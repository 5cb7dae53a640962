// Rebuilding a checkpoint's net for eval and infer, without any config file.
#include "cmd/run/model_from_ckpt.hpp"

#include <algorithm>

#include "ckpt_format/ckpt_finite.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/data_split.hpp"
#include "core/data/val_split.hpp"
#include "core/error.hpp"

namespace trainctl {

std::string resolve_ckpt_flag(const std::string& spec, const std::string& run) {
    // `eval --ckpt lenet-2_1875.ckpt` from where train ran: the file is in train's default --out.
    return resolve_checkpoint(spec, {"--ckpt", RunConfig{}.out, run});
}

LoadedModel load_model_from_ckpt(const std::string& path) {
    LoadedModel m;
    m.path = path;
    CkptReader reader(path, CkptDataCrc::kOnRead);  // load_params CRC-checks what it reads
    m.inference_export = is_inference_export(reader);
    m.stored = m.inference_export ? read_stored_model(reader) : read_stored_run(reader);
    m.net = build_model(m.stored.model, path, &m.config);
    load_params(reader, m.net->params(), /*skip_mismatch=*/false, nullptr);
    reader.check_unread();  // the optimizer state too: a corrupt file is refused whole
    // Diverged weights load cleanly and would score chance, print null or export NaN.
    for (const auto& p : m.net->params().infos())
        if (std::string bad = ckpt_non_finite(reader, reader.tensor(p.name)); !bad.empty()) throw Error(bad);
    return m;
}

MnistFiles locate_mnist_for(const std::string& data_flag, const LoadedModel& model) {
    const nlohmann::json& stored = model.stored.config_json;
    const std::string dataset = stored.value("dataset", "mnist");
    if (!data_flag.empty()) return locate_mnist(data_flag, "", dataset);
    return locate_mnist("", stored.value("data", ""), dataset);
}

namespace {

// The images of `s` at `indices` (ascending), with their file names.
void keep_images(LoadedSplit& s, const std::vector<std::uint32_t>& indices) {
    s.data = select_images(s.data, indices);
    std::vector<std::string> files_of;
    for (std::uint32_t i : indices)
        if (i < s.files.size()) files_of.push_back(s.files[i]);
    s.files = std::move(files_of);
}

}  // namespace

LoadedSplit load_split_for(const MnistFiles& files, const std::string& split, const LoadedModel& model) {
    const std::size_t classes = model.net->out_sample().numel();
    std::vector<std::string> names = files.is_image_folder() ? folder_classes_for(model.config.net.class_names, classes)
                                                            : std::vector<std::string>{};
    const nlohmann::json& stored = model.stored.config_json;
    const SplitOptions opt{model.config.input.size, stored.value("skip_bad_images", false), /*pack=*/false};
    // "val": the images the run held out of its training set, drawn again from its stored
    // val_split, seed and train_limit (core/data/val_split.hpp: the same on every call).
    RunConfig run;
    if (split == "val") {
        if (model.inference_export) throw usage_error("--split val: " + model.path + " is an inference export: it keeps no run config");
        run = parse_config(stored, {});
        if (run.val_split <= 0)
            throw usage_error("--split val: the run of " + model.path + " held out no validation set (no --val-split)");
    }
    LoadedSplit s = load_split(files, split == "val" ? "train" : split, names, opt);
    check_labels(s, classes, "the checkpoint's");
    if (split != "val") return s;
    const std::size_t used = run.train_limit ? std::min(run.train_limit, s.data.count) : s.data.count;
    if (files.is_image_folder() && used < s.data.count) keep_images(s, take_classes_in_turn(s.data.labels, used));
    keep_images(s, split_for_validation(s.data.labels, used, run.val_split, run.seed).held_out);
    return s;
}

}  // namespace trainctl
