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
#include "core/address_space.hpp"
#include "core/error.hpp"

namespace trainctl {

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
    CLI::App app{"trainctl: train, checkpoint, evaluate and export small MNIST classifiers"};
    setup_train(app);
    setup_resume(app);
    setup_ckpt(app);
    setup_eval(app);
    setup_infer(app);
    setup_export(app);
    app.set_version_flag("--version", "trainctl " TRAINCTL_VERSION, "Print the version (as checkpoints record it) and exit");
    app.require_subcommand(1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: the text on stdout
        // One line like every other error (CLI11's own print adds a second, "Run with --help").
        std::string msg = explain_unknown_words(app, argc, argv);
        if (msg.empty()) msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        std::cerr << "trainctl: error: " << msg << " (see --help)\n";
        return kExitUsage;
    } catch (const Error& e) {
        if (*e.what()) std::cerr << "trainctl: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::bad_alloc&) {  // what no check foresaw; the run lock is released by now
        std::cerr << "trainctl: error: " << out_of_memory_text() << "\n";
        return kExitError;
    } catch (const std::system_error& e) {  // no memory for a thread's stack (ulimit -v), or a bug
        if (e.code() == std::errc::resource_unavailable_try_again) {
            std::cerr << "trainctl: error: " << out_of_memory_text() << " (starting a thread)\n";
            return kExitError;
        }
        std::cerr << "trainctl: error: internal error: " << e.what() << " (please report it)\n";
        return kExitInternal;
    } catch (const std::exception& e) {  // a bug, not bad input: still one line and no core dump
        std::cerr << "trainctl: error: internal error: " << e.what() << " (please report it)\n";
        return kExitInternal;
    }
    return 0;
}

}  // namespace trainctl
