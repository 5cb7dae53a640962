// The last healthy checkpoint of a diverged run, as a resume command.
#include "cmd/run/diverged_hint.hpp"

#include <vector>

#include "cmd/run/ckpt_runs.hpp"
#include "cmd/run/shell_word.hpp"
#include "core/float_text.hpp"
#include "core/path_text.hpp"

namespace trainctl {

std::string diverged_hint(const std::string& program, const std::string& dir, const std::string& prefix,
                          const std::string& resumed_from, std::uint64_t diverged_step, float lr) {
    std::vector<std::string> unreadable;  // the run's own files are sound; another run's do not matter here
    const std::vector<DirRun> runs = scan_dir_runs(dir, unreadable);
    std::string healthy;
    for (const DirRun& run : runs)
        for (const DirCkpt& c : run.ckpts)  // newest first
            if (run.prefix == prefix && c.diverged.empty() && healthy.empty()) healthy = c.file;
    // A resumed run continues in its checkpoint's directory: the file it started from is there. At
    // the diverged step it holds the diverged weights (the loss after them was not finite).
    const std::string resumed_file = base_name(resumed_from);
    for (const DirRun& run : runs)
        for (const DirCkpt& c : run.ckpts)
            if (healthy.empty() && !resumed_from.empty() && c.file == resumed_file && c.diverged.empty() &&
                c.global_step < diverged_step)
                healthy = c.file;
    if (!healthy.empty())
        return "resume from the last healthy checkpoint with a lower learning rate: " + shell_word(program) +
               " resume --from " + shell_word(dir + "/" + healthy) + " --lr " + shortest_float_text(lr / 10);
    return "no healthy checkpoint of run " + prefix + " to resume from: train again with a lower --lr (this run used " +
           shortest_float_text(lr) + ")";
}

}  // namespace trainctl
