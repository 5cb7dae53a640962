// The run's checkpoint directory: made (with its parents) and checked writable before the run
// locks it; what it made goes again if the run fails before writing anything.
#pragma once
#include <string>
#include <vector>

namespace trainctl {

// The directories a run created; removed again (when still empty) unless keep() was called,
// so a run that fails before writing anything leaves no trace.
class CreatedDirs {
public:
    CreatedDirs() = default;
    CreatedDirs(const CreatedDirs&) = delete;
    CreatedDirs& operator=(const CreatedDirs&) = delete;
    ~CreatedDirs();
    void add(const std::string& dir) { dirs_.push_back(dir); }
    void keep() { dirs_.clear(); }

private:
    std::vector<std::string> dirs_;
};

// Makes `dir` and its missing parents (each recorded in `created`); throws when it is not a
// writable directory (kExitSaveFailed) or names a file (usage error, as --out).
void make_dirs(const std::string& dir, CreatedDirs& created);

}  // namespace trainctl
