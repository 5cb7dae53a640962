// The config a resumed run uses: the checkpoint's stored config, its directory as `out`, then a
// --config file's keys, then the flags; keys the run keeps (cmd/resume_fixed_keys.hpp) refused
// when they would change.
#pragma once
#include <string>

#include "cmd/config_flags.hpp"
#include "core/config.hpp"

namespace trainctl {

struct StoredRun;  // cmd/run/stored_run.hpp

struct ResumeConfig {
    RunConfig stored;       // as the checkpoint stores it, `out` being the checkpoint's directory
    RunConfig resumed;      // what the resume uses
    ConfigOrigins origins;  // where each of `resumed`'s keys came from
};

// `more_epochs` > 0 sets epochs to the checkpoint's epoch + more_epochs. Throws usage_error
// (exit 2) for a bad file or flag, or a fixed key given a new value; warnings go to stderr.
ResumeConfig resume_config(const std::string& from, const StoredRun& run, const std::string& config_path,
                           const ConfigFlags& flags, std::size_t more_epochs);

}  // namespace trainctl
