// The command line: registers the subcommands, parses, and maps errors to exit codes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <system_error>

#include "cmd/cli_main.hpp"
#include "cmd/cli_suggest.hpp"
#include "cmd/commands.hpp"
#include "cmd/run/mpi_world.hpp"
#include "core/address_space.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

// The subcommand named on the command line ("" when none): under mpirun only train, resume and
// eval run (the others would do the same work on every rank).
std::string subcommand_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (argv[i][0] != '-') return argv[i];
    return "";
}

// Runs the command line; returns the exit code, with `message` (one line, no prefix) to print.
int run_cli(int argc, char** argv, std::string& message) {
    CLI::App app{"trainctl: train, checkpoint, evaluate, plot and export small image classifiers (MNIST, Fashion-MNIST, your image folders)"};
    setup_train(app);
    setup_resume(app);
    setup_ckpt(app);
    setup_eval(app);
    setup_infer(app);
    setup_export(app);
    setup_plot(app);
    setup_summary(app);
    app.set_version_flag("--version", "trainctl " TRAINCTL_VERSION, "Print the version (as checkpoints record it) and exit");
    app.require_subcommand(1);
    try {
        const std::string sub = subcommand_word(argc, argv);
        if (mpi_size() > 1 && !sub.empty() && sub != "train" && sub != "resume" && sub != "eval")
            throw usage_error(sub + ": runs in one process; under mpirun (here " + std::to_string(mpi_size()) +
                              " ranks) only train, resume and eval run");
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: the text on stdout
        // One line like every other error (CLI11's own print adds a second, "Run with --help").
        std::string msg = explain_unknown_words(app, argc, argv);
        if (msg.empty()) msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        message = msg + " (see --help)";
        return kExitUsage;
    } catch (const Error& e) {
        message = e.what();
        return e.exit_code();
    } catch (const std::bad_alloc&) {  // what no check foresaw; the run lock is released by now
        message = out_of_memory_text();
        return kExitError;
    } catch (const std::system_error& e) {  // no memory for a thread's stack (ulimit -v), or a bug
        if (e.code() == std::errc::resource_unavailable_try_again) {
            message = out_of_memory_text() + " (starting a thread)";
            return kExitError;
        }
        message = std::string("internal error: ") + e.what() + " (please report it)";
        return kExitInternal;
    } catch (const std::exception& e) {  // a bug, not bad input: still one line and no core dump
        message = std::string("internal error: ") + e.what() + " (please report it)";
        return kExitInternal;
    }
    return 0;
}

}  // namespace

int cli_main(int argc, char** argv) {
    // Past a file size limit (ulimit -f) write() then fails with EFBIG and the save reports it
    // (exit 74, temporary removed) instead of SIGXFSZ killing the process mid-write.
    std::signal(SIGXFSZ, SIG_IGN);
    // Under a tight ulimit -v OpenBLAS's server threads spin in mmap, and exit() would wait for
    // them forever: refuse at once and leave without running exit handlers.
    if (const std::string shortfall = blas_startup_shortfall(); !shortfall.empty()) {
        std::cerr << "trainctl: error: " << shortfall << std::endl;
        std::_Exit(kExitError);
    }
    // Started by mpirun: one rank of a data-parallel job (docs/distributed.md). Otherwise no MPI at all.
    mpi_start(argc, argv);
    std::string message;
    const int code = run_cli(argc, argv, message);
    return mpi_finish(message, code);
}

}  // namespace trainctl
