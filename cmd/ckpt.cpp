// `trainctl ckpt ls|inspect|verify|diff`: look at checkpoints without loading a net.
#include "cmd/commands.hpp"

namespace trainctl {
void setup_ckpt(CLI::App& app) { (void)app; }
}  // namespace trainctl
