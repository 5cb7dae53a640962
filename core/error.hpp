// trainctl's one error type and the exit codes every subcommand shares.
#pragma once
#include <stdexcept>
#include <string>

namespace trainctl {

// Exit codes (documented in docs/errors.md).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;        // runtime error or failed check (--min-acc, ckpt verify)
constexpr int kExitUsage = 2;        // bad flag or config
constexpr int kExitInternal = 70;    // a bug: an exception that is not an Error (EX_SOFTWARE)
constexpr int kExitSaveFailed = 74;  // a checkpoint save failed (EX_IOERR: disk full, permissions)
constexpr int kExitSignalBase = 128; // + the signal that stopped training after the breakpoint save
constexpr int kExitSigint = 130;     // stopped by SIGINT after the breakpoint save

// One line naming the file, flag, key or tensor, then expected vs found.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, int exit_code = kExitError)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

private:
    int exit_code_;
};

// Usage and config errors exit 2.
inline Error usage_error(const std::string& message) { return Error(message, kExitUsage); }

}  // namespace trainctl
