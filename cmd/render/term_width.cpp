// TIOCGWINSZ, the one place that asks the terminal for its size.
#include "cmd/render/term_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace trainctl {

std::size_t terminal_columns(int fd) {
    struct winsize ws {};
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}

}  // namespace trainctl
