// BenchFlags over CLI11.
#include "bench/flags.hpp"

#include <CLI/CLI.hpp>

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
    } catch (const CLI::ParseError& e) {
        return app_->exit(e);
    }
    return -1;
}

}  // namespace trainctl
