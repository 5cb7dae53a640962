// The width of the terminal a stream goes to, for output that must not wrap.
#pragma once
#include <cstddef>

namespace trainctl {

// Columns of the terminal on `fd` (TIOCGWINSZ), or 0 when fd is not a terminal or the terminal
// does not say (a pty whose size was never set reports 0x0). Cheap: callers ask at each redraw,
// so a resized window is followed without a SIGWINCH handler.
std::size_t terminal_columns(int fd);

}  // namespace trainctl
