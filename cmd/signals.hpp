// SIGINT, SIGTERM, SIGHUP or SIGPIPE during training: the first asks the loop to stop at the
// next step (then a breakpoint is saved and the exit code is 128 + the signal, as a shell
// reports a signal death); a second SIGINT exits at once.
#pragma once

namespace trainctl {

void install_stop_handlers();
// The signal that asked to stop, or 0.
int stop_signal();
// "SIGINT", "SIGTERM", ... for messages.
const char* stop_signal_name(int sig);

}  // namespace trainctl
