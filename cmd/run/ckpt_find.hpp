// Finding checkpoints: what `resume --from`, `eval/infer/export --ckpt` and `train --init-from`
// accept: FILE, a bare name in the default directory, DIR (its latest) or `latest`.
#pragma once
#include <string>

namespace trainctl {

struct CkptLookup {
    std::string flag = "--from";  // the flag the argument came with, named in messages
    std::string default_dir;      // where `latest` and a bare file name are looked up
    std::string run;              // the run `latest`/DIR picks (from run_flag); empty: the most recently active
    std::string run_flag = "--run";
};

// FILE as is, or a bare file name not found here in default_dir. DIR or "latest" (= default_dir):
// the newest complete, healthy checkpoint (breakpoints included) of the run that saved last,
// by the checkpoints' metadata (run_prefix, saved_at); a diverged breakpoint, a .tmp or a corrupt
// file is skipped with a note on stderr. With several runs there, one stderr line says which run
// was taken and how to pick another (run_flag).
std::string resolve_checkpoint(const std::string& spec, const CkptLookup& lookup);

}  // namespace trainctl
