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
    g_stop_signal = sig;
}
}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal() { return g_stop_signal; }

}  // namespace trainctl
