// Signal handlers. The flag is the one process-wide global: a handler has nowhere else to write.
#include "cmd/signals.hpp"

#include <csignal>
#include <unistd.h>

#include "core/error.hpp"

namespace trainctl {

namespace {
volatile std::sig_atomic_t g_stop_signal = 0;

void on_signal(int sig) {
    if (g_stop_signal == SIGINT && sig == SIGINT) {
        const char msg[] = "\ntrainctl: second interrupt: exiting without a breakpoint\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(kExitSigint);
    }
    // SIGPIPE comes again with every later write to the closed pipe: the first cause stays.
    if (g_stop_signal == 0 || sig == SIGINT) g_stop_signal = sig;
}
}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // SIGHUP: the terminal or ssh session went away; SIGPIPE: stdout was a pipe whose reader
    // quit (`trainctl train | head`). Either would kill the run without a breakpoint. One the
    // parent chose to ignore stays ignored: `nohup trainctl train` must outlive its terminal.
    for (int sig : {SIGHUP, SIGPIPE}) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(sig, &sa, nullptr);
    }
}

int stop_signal() { return g_stop_signal; }

const char* stop_signal_name(int sig) {
    switch (sig) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        case SIGPIPE: return "SIGPIPE";
        default: return "a signal";
    }
}

}  // namespace trainctl
