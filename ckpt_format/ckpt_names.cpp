// Checkpoint naming rules.
#include "ckpt_format/ckpt_names.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

namespace trainctl {

namespace {
constexpr const char* kExt = ".ckpt";
constexpr const char* kBreakpointSuffix = "_breakpoint";
constexpr const char* kBestInfix = "-best";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
bool starts_with(const std::string& s, const std::string& head) { return s.compare(0, head.size(), head) == 0; }

// Parses a run of decimal digits; false on empty or overflow-prone input.
bool parse_number(const std::string& s, std::uint64_t& out) {
    if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    out = std::stoull(s);
    return true;
}
}  // namespace

std::string ckpt_file_name(const CkptName& n) {
    std::string numbers = std::to_string(n.epoch) + "_" + std::to_string(n.step);
    switch (n.kind) {
        case CkptKind::kBreakpoint: return n.prefix + "-" + numbers + kBreakpointSuffix + kExt;
        case CkptKind::kBest: return n.prefix + kBestInfix + "-" + numbers + kExt;
        case CkptKind::kStep: break;
    }
    return n.prefix + "-" + numbers + kExt;
}

std::string graph_meta_name(const std::string& prefix) { return prefix + "-graph.meta"; }
std::string latest_pointer_name(const std::string& prefix) { return prefix + "-latest"; }
std::string lock_file_name(const std::string& prefix) { return prefix + ".lock"; }

bool is_run_temporary(const std::string& file, const std::string& prefix) {
    const std::string tmp = ".tmp";
    if (!ends_with(file, tmp)) return false;
    const std::string target = file.substr(0, file.size() - tmp.size());
    if (target == graph_meta_name(prefix) || target == latest_pointer_name(prefix)) return true;
    const auto name = parse_ckpt_file_name(target);
    return name && name->prefix == prefix;
}

bool is_run_of_prefix(const std::string& run_prefix, const std::string& prefix) {
    if (run_prefix == prefix) return true;
    std::uint64_t n = 0;
    return starts_with(run_prefix, prefix + "_") && parse_number(run_prefix.substr(prefix.size() + 1), n);
}

std::optional<CkptName> parse_ckpt_file_name(const std::string& file) {
    if (!ends_with(file, kExt)) return std::nullopt;
    std::string stem = file.substr(0, file.size() - std::string(kExt).size());
    CkptName n;
    if (ends_with(stem, kBreakpointSuffix)) {
        n.kind = CkptKind::kBreakpoint;
        stem.resize(stem.size() - std::string(kBreakpointSuffix).size());
    }
    // The numbers follow the last '-': prefix may itself contain '-'.
    const std::size_t dash = stem.rfind('-');
    const std::size_t underscore = stem.rfind('_');
    if (dash == std::string::npos || underscore == std::string::npos || underscore < dash) return std::nullopt;
    if (!parse_number(stem.substr(dash + 1, underscore - dash - 1), n.epoch) ||
        !parse_number(stem.substr(underscore + 1), n.step))
        return std::nullopt;
    n.prefix = stem.substr(0, dash);
    if (n.kind == CkptKind::kStep && ends_with(n.prefix, kBestInfix)) {
        n.kind = CkptKind::kBest;
        n.prefix.resize(n.prefix.size() - std::string(kBestInfix).size());
    }
    if (n.prefix.empty()) return std::nullopt;
    return n;
}

std::vector<std::string> list_dir(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        struct stat st {};
        if (stat((dir + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) names.push_back(name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> list_dir_names(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

std::string choose_run_prefix(const std::string& dir, const std::string& prefix) {
    const std::vector<std::string> files = list_dir(dir);
    auto taken = [&](const std::string& p) {
        return std::any_of(files.begin(), files.end(), [&](const std::string& f) { return starts_with(f, p + "-"); });
    };
    if (!taken(prefix)) return prefix;
    for (std::uint64_t n = 1;; ++n)
        if (!taken(prefix + "_" + std::to_string(n))) return prefix + "_" + std::to_string(n);
}

}  // namespace trainctl
