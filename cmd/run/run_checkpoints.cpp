// A run's own checkpoints: name parse and metadata run_prefix must agree.
#include "cmd/run/run_checkpoints.hpp"

#include <algorithm>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "core/error.hpp"

namespace trainctl {

std::vector<RunCheckpoint> list_run_checkpoints(const std::string& dir, const std::string& prefix,
                                                std::vector<std::string>* unreadable) {
    std::vector<RunCheckpoint> found;
    for (const std::string& file : list_dir(dir)) {
        const std::optional<CkptName> name = parse_ckpt_file_name_of(file, prefix);
        if (!name) continue;
        const std::string path = dir + "/" + file;
        const std::optional<FileId> id = regular_file_id(path);  // a symlink proves nothing
        if (!id) continue;
        try {
            CkptReader reader(path, CkptDataCrc::kSkip);
            const auto stored_prefix = reader.metadata().find(kMetaRunPrefix);
            // Another run's file under a name this run could have written (run lenet-best's
            // lenet-best-1_20.ckpt seen from run lenet): not this run's, and not an error.
            if (stored_prefix == reader.metadata().end() || stored_prefix->second != prefix) continue;
            found.push_back({file, *name, *id, read_stored_state(reader.metadata(), path).state});
        } catch (const Error& e) {
            if (unreadable) unreadable->push_back(e.what());
        }
    }
    std::stable_sort(found.begin(), found.end(), [](const RunCheckpoint& a, const RunCheckpoint& b) {
        return a.state.global_step < b.state.global_step;
    });
    return found;
}

}  // namespace trainctl
