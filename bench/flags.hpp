// The benchmarks' command-line flags: CLI11 behind a small interface, compiled once for all of
// them (CLI11 is header-only and costs ~15 s of compile time in every file that includes it).
#pragma once
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace trainctl {

class BenchFlags {
public:
    explicit BenchFlags(const std::string& description);
    ~BenchFlags();
    void text(const std::string& flag, std::string& value, const std::string& help);
    // An integer flag checked against [min, max].
    void integer(const std::string& flag, int& value, const std::string& help, int min, int max);
    void integer(const std::string& flag, long& value, const std::string& help, long min, long max);
    // -1: go on. Else the exit code to return: 0 after --help, 2 after a bad flag (one line
    // printed: "NAME: error: ...").
    int parse(int argc, char** argv);

private:
    std::unique_ptr<CLI::App> app_;
};

}  // namespace trainctl
