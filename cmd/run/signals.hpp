// SIGINT, SIGTERM, SIGHUP or SIGPIPE during training: the first asks the loop to stop at the
// next step (then a breakpoint is saved and the exit code is 128 + the signal, as a shell
// reports a signal death); a second SIGINT exits at once, saying whether a breakpoint was saved.
#pragma once
#include <string>

namespace trainctl {

void install_stop_handlers();
// The breakpoint save that ends a run (stopped, failed or diverged): a second SIGINT while it is
// written lets it finish (a third exits at once); one after breakpoint_saved() exits at once,
// printing `saved` ("breakpoint saved: FILE (continue with: ...)"). Before breakpoint_saving(),
// or after breakpoint_not_saved() (the save failed), a second SIGINT exits without a breakpoint.
void breakpoint_saving();
void breakpoint_saved(const std::string& saved);
void breakpoint_not_saved();
// The signal that asked to stop, or 0.
int stop_signal();
// "SIGINT", "SIGTERM", ... for messages.
const char* stop_signal_name(int sig);

}  // namespace trainctl
