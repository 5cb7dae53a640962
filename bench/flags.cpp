// BenchFlags over CLI11.
#include "bench/flags.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace trainctl {

BenchFlags::BenchFlags(const std::string& description) : app_(std::make_unique<CLI::App>(description)) {}

BenchFlags::~BenchFlags() = default;

void BenchFlags::text(const std::string& flag, std::string& value, const std::string& help) {
    app_->add_option(flag, value, help)->capture_default_str();
}

void BenchFlags::integer(const std::string& flag, int& value, const std::string& help, int min, int max) {
    app_->add_option(flag, value, help)->check(CLI::Range(min, max))->capture_default_str();
}

void BenchFlags::integer(const std::string& flag, long& value, const std::string& help, long min, long max) {
    app_->add_option(flag, value, help)->check(CLI::Range(min, max))->capture_default_str();
}

int BenchFlags::parse(int argc, char** argv) {
    try {
        app_->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app_->exit(e);
    } catch (const CLI::ParseError& e) {
        // One line and exit 2, as trainctl reports a bad flag (CLI11 alone: two lines, exit 105-109).
        const std::string name = argc > 0 ? argv[0] : "bench";
        std::cerr << name.substr(name.find_last_of('/') + 1) << ": error: " << e.what() << " (see --help)\n";
        return 2;
    }
    return -1;
}

}  // namespace trainctl
