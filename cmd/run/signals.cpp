// Signal handlers. Their flags are the process-wide globals: a handler has nowhere else to write.
#include "cmd/run/signals.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <unistd.h>

#include "core/error.hpp"

namespace trainctl {

namespace {
volatile std::sig_atomic_t g_stop_signal = 0;
enum Phase : int { kTraining, kSaving, kSaved };
std::atomic<int> g_phase{kTraining};  // lock-free: safe in a handler, on whichever thread it runs
volatile std::sig_atomic_t g_extra_interrupts = 0;  // SIGINTs after the first, while saving
char g_saved_line[4096];                            // written before g_phase becomes kSaved (a diverged run's line names two files)
std::size_t g_saved_length = 0;

template <std::size_t N>
void say(const char (&msg)[N]) {  // write(2): the one way to print from a handler
    (void)!write(STDERR_FILENO, msg, N - 1);
}

// Each message says what is on disk when the process ends.
void on_second_interrupt() {
    const int phase = g_phase.load();
    if (phase == kSaved) {
        (void)!write(STDERR_FILENO, g_saved_line, g_saved_length);
        _exit(kExitSigint);
    }
    if (phase == kSaving && g_extra_interrupts++ == 0) {
        say("\ntrainctl: second interrupt: the breakpoint is being written; exiting once it is saved "
            "(interrupt again to exit at once)\n");
        return;
    }
    if (phase == kSaving)
        say("\ntrainctl: third interrupt: exiting at once; the breakpoint save may not have completed\n");
    else
        say("\ntrainctl: second interrupt: exiting without a breakpoint\n");
    _exit(kExitSigint);
}

void on_signal(int sig) {
    if (g_stop_signal == SIGINT && sig == SIGINT) return on_second_interrupt();
    // SIGPIPE comes again with every later write to the closed pipe: the first cause stays.
    if (g_stop_signal == 0 || sig == SIGINT) g_stop_signal = sig;
}
}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    // A write the signal interrupts (stderr, a checkpoint) resumes instead of failing with EINTR.
    sa.sa_flags = SA_RESTART;
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

void breakpoint_saving() { g_phase = kSaving; }

void breakpoint_saved(const std::string& saved) {
    const std::string line = "\ntrainctl: second interrupt: exiting at once; " + saved + "\n";
    g_saved_length = std::min(line.size(), sizeof g_saved_line);
    std::memcpy(g_saved_line, line.data(), g_saved_length);
    g_phase = kSaved;
}

void breakpoint_not_saved() { g_phase = kTraining; }

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
