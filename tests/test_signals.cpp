// Ctrl-C twice: what the second (and third) interrupt does and says in each phase of a stop. Each
// case runs in a forked child, whose handlers, exit and stderr are its own.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <functional>
#include <string>

#include "cmd/run/signals.hpp"
#include "core/error.hpp"

using namespace trainctl;

namespace {

struct ChildResult {
    int exit_code = -1;
    std::string err;
};

// Runs `body` in a child with its stderr captured; the child exits 0 if body returns.
ChildResult in_child(const std::function<void()>& body) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        install_stop_handlers();
        body();
        _exit(0);
    }
    close(fds[1]);
    ChildResult r;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

TEST_CASE("signals: a second SIGINT before the breakpoint save exits without one", "[cmd][signals]") {
    const ChildResult r = in_child([] {
        raise(SIGINT);  // the first asks the loop to stop
        if (stop_signal() != SIGINT) _exit(3);
        raise(SIGINT);
    });
    CHECK(r.exit_code == kExitSigint);
    CHECK(r.err == "\ntrainctl: second interrupt: exiting without a breakpoint\n");
}

TEST_CASE("signals: a second SIGINT during the breakpoint save lets it finish; a third exits", "[cmd][signals]") {
    const ChildResult twice = in_child([] {
        raise(SIGINT);
        breakpoint_saving();
        raise(SIGINT);  // returns: the save goes on
    });
    CHECK(twice.exit_code == 0);
    CHECK(twice.err.find("second interrupt: the breakpoint is being written; exiting once it is saved") != std::string::npos);

    const ChildResult thrice = in_child([] {
        raise(SIGINT);
        breakpoint_saving();
        raise(SIGINT);
        raise(SIGINT);
    });
    CHECK(thrice.exit_code == kExitSigint);
    CHECK(thrice.err.find("third interrupt: exiting at once; the breakpoint save may not have completed") !=
          std::string::npos);
}

TEST_CASE("signals: a second SIGINT after the breakpoint save exits at once, naming it", "[cmd][signals]") {
    const ChildResult r = in_child([] {
        raise(SIGINT);
        breakpoint_saving();
        breakpoint_saved("breakpoint saved: ck/a_breakpoint.ckpt (continue with: ./t resume --from ck/a_breakpoint.ckpt)");
        raise(SIGINT);
    });
    CHECK(r.exit_code == kExitSigint);
    CHECK(r.err ==
          "\ntrainctl: second interrupt: exiting at once; breakpoint saved: ck/a_breakpoint.ckpt (continue with: ./t "
          "resume --from ck/a_breakpoint.ckpt)\n");
}
