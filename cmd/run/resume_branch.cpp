// Deciding and saying a resume's branch.
#include "cmd/run/resume_branch.hpp"

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/run/run_checkpoints.hpp"

namespace trainctl {

namespace {
// "a", "a and b", "a, b and c", "a, b, c and 4 more": a long run's history in one short line.
std::string name_list(const std::vector<std::string>& names) {
    constexpr std::size_t kShown = 3;
    const std::size_t shown = names.size() > kShown + 1 ? kShown : names.size();
    std::string text;
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0) text += (i + 1 == shown && shown == names.size()) ? " and " : ", ";
        text += names[i];
    }
    if (shown < names.size()) text += " and " + std::to_string(names.size() - shown) + " more";
    return text;
}
}  // namespace

ResumeBranch resume_branch(const std::string& dir, const std::string& prefix, std::uint64_t global_step) {
    ResumeBranch branch;
    branch.reserved_prefix = is_reserved_prefix(prefix);
    for (const RunCheckpoint& c : list_run_checkpoints(dir, prefix))
        if (c.state.global_step > global_step) branch.newer.push_back(c.file);
    return branch;
}

std::string branch_base(const std::string& run_prefix, const std::string& config_prefix) {
    return is_run_of_prefix(run_prefix, config_prefix) ? config_prefix : run_prefix;
}

std::string branch_message(const ResumeBranch& branch, const std::string& run_prefix, const std::string& from_file,
                           const std::string& new_prefix) {
    const std::string continuing = "continuing as run " + new_prefix + " (files " + new_prefix + "-*)";
    if (branch.newer.empty())
        return "run prefix \"" + run_prefix + "\" also names the best checkpoints of run \"" +
               best_files_run_of(run_prefix) + "\" (" + run_prefix + "-E_S.ckpt): " + continuing;
    const std::string verb = branch.newer.size() == 1 ? " is" : " are";
    return name_list(branch.newer) + verb + " newer than " + from_file + ": " + continuing +
           (branch.newer.size() == 1 ? ", the newer checkpoint is kept" : ", the newer checkpoints are kept");
}

}  // namespace trainctl
