// SIGINT/SIGTERM during training: the first asks the loop to stop at the next step (then a
// breakpoint is saved); a second SIGINT exits at once.
#pragma once

namespace trainctl {

void install_stop_handlers();
// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int stop_signal();

}  // namespace trainctl
