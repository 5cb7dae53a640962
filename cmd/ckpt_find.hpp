// Finding checkpoints: `--from FILE|DIR|latest`, newest by global step from the metadata.
#pragma once
#include <string>

namespace trainctl {

// FILE as is, or a bare file name not found here in default_dir; DIR or "latest" (=
// default_dir): the complete checkpoint with the highest global step, breakpoints included;
// .tmp and corrupt files are skipped with a warning on stderr.
std::string resolve_checkpoint(const std::string& from, const std::string& default_dir);

}  // namespace trainctl
