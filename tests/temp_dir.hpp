// A fresh folder under the system temp dir for one test, removed with everything in it.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

namespace trainctl::testing {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& tag = "test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / ("trainctl-" + tag + "-XXXXXX")).string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace trainctl::testing
