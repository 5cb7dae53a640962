// Rebuilding a checkpoint's net for eval and infer, without any config file.
#include "cmd/model_from_ckpt.hpp"

#include "ckpt_format/ckpt_reader.hpp"

namespace trainctl {

LoadedModel load_model_from_ckpt(const std::string& path) {
    LoadedModel m;
    m.path = path;
    CkptReader reader(path);
    m.stored = read_stored_run(reader);
    m.net = build_model(m.stored.model, path, &m.config);
    load_params(reader, m.net->params(), /*skip_mismatch=*/false, nullptr);
    return m;
}

}  // namespace trainctl
