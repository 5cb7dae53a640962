// Checkpoint naming rules.
#include "ckpt_format/ckpt_names.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/config.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace {
constexpr const char* kExt = ".ckpt";
constexpr const char* kBreakpointSuffix = "_breakpoint";
constexpr const char* kBest = "best";


// A number as ckpt_file_name writes it: 1..kMaxNameNumber, no sign, no leading zero.
bool parse_number(const std::string& s, std::uint64_t& out) {
    if (s.empty() || s.size() > 18 || s[0] == '0' || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
    out = std::stoull(s);
    return true;
}

// "E_S" with both numbers as above.
bool parse_numbers(const std::string& s, CkptName& n) {
    const std::size_t underscore = s.find('_');
    return underscore != std::string::npos && parse_number(s.substr(0, underscore), n.epoch) &&
           parse_number(s.substr(underscore + 1), n.step);
}

// What follows "PREFIX-": "E_S.ckpt", "E_S_breakpoint.ckpt" or "best-E_S.ckpt" (prefix unset).
std::optional<CkptName> parse_tail(std::string tail) {
    if (!ends_with(tail, kExt)) return std::nullopt;
    tail.resize(tail.size() - std::string(kExt).size());
    CkptName n;
    const std::string best = std::string(kBest) + "-";
    if (starts_with(tail, best)) {
        n.kind = CkptKind::kBest;
        tail.erase(0, best.size());
    } else if (ends_with(tail, kBreakpointSuffix)) {
        n.kind = CkptKind::kBreakpoint;
        tail.resize(tail.size() - std::string(kBreakpointSuffix).size());
    }
    if (!parse_numbers(tail, n)) return std::nullopt;
    return n;
}

// Whether `file` is named as one of run `prefix`'s files. Temporaries are not: they are leftovers
// of a killed run, which the run that takes the prefix removes under its lock (a live run is seen
// by its lock instead), and a planted one must not push a run off its prefix.
bool names_run(const std::string& file, const std::string& prefix) {
    if (file == graph_meta_name(prefix) || file == latest_pointer_name(prefix) || file == metrics_csv_name(prefix))
        return true;
    const std::optional<CkptName> name = parse_ckpt_file_name(file);
    return name && name->prefix == prefix;
}

std::string choose_prefix(const std::string& dir, const std::string& prefix, bool branch) {
    const std::vector<std::string> files = list_dir_names(dir);  // a dangling latest pointer still names its run
    auto taken = [&](const std::string& p) {
        if (branch && std::binary_search(files.begin(), files.end(), lock_file_name(p))) return true;
        return std::any_of(files.begin(), files.end(), [&](const std::string& f) { return names_run(f, p); });
    };
    const bool reserved = branch && is_reserved_prefix(prefix);
    if (!reserved && !taken(prefix)) return prefix;
    for (std::uint64_t n = 1;; ++n)
        if (!taken(prefix + "_" + std::to_string(n))) return prefix + "_" + std::to_string(n);
}
}  // namespace

std::string ckpt_file_name(const CkptName& n) {
    std::string numbers = std::to_string(n.epoch) + "_" + std::to_string(n.step);
    switch (n.kind) {
        case CkptKind::kBreakpoint: return n.prefix + "-" + numbers + kBreakpointSuffix + kExt;
        case CkptKind::kBest: return n.prefix + "-" + kBest + "-" + numbers + kExt;
        case CkptKind::kStep: break;
    }
    return n.prefix + "-" + numbers + kExt;
}

std::string graph_meta_name(const std::string& prefix) { return prefix + "-graph.meta"; }
std::string latest_pointer_name(const std::string& prefix) { return prefix + "-latest"; }
std::string lock_file_name(const std::string& prefix) { return prefix + ".lock"; }
std::string metrics_csv_name(const std::string& prefix) { return prefix + "-metrics.csv"; }

bool is_reserved_prefix(const std::string& prefix) { return ends_with(prefix, std::string("-") + kBest); }

std::string best_files_run_of(const std::string& prefix) {
    const std::size_t infix = std::string("-").size() + std::string(kBest).size();
    return is_reserved_prefix(prefix) ? prefix.substr(0, prefix.size() - infix) : "";
}

std::optional<CkptName> parse_ckpt_file_name(const std::string& file) {
    // The numbers hold no '-': everything before the last one is the prefix (plus "-best").
    const std::size_t dash = file.rfind('-');
    if (dash == std::string::npos) return std::nullopt;
    std::optional<CkptName> n = parse_tail(file.substr(dash + 1));
    if (!n) return std::nullopt;
    n->prefix = file.substr(0, dash);
    if (n->kind == CkptKind::kStep && is_reserved_prefix(n->prefix)) {
        n->kind = CkptKind::kBest;
        n->prefix = best_files_run_of(n->prefix);
    }
    if (!is_valid_prefix(n->prefix) || is_reserved_prefix(n->prefix)) return std::nullopt;
    return n;
}

std::optional<CkptName> parse_ckpt_file_name_of(const std::string& file, const std::string& prefix) {
    if (prefix.empty() || !starts_with(file, prefix + "-")) return std::nullopt;
    std::optional<CkptName> n = parse_tail(file.substr(prefix.size() + 1));
    if (n) n->prefix = prefix;
    return n;
}

bool is_run_temporary(const std::string& file, const std::string& prefix) {
    const std::string tmp = ".tmp";
    if (!ends_with(file, tmp)) return false;
    const std::string target = file.substr(0, file.size() - tmp.size());
    if (target == graph_meta_name(prefix) || target == latest_pointer_name(prefix) || target == metrics_csv_name(prefix))
        return true;
    return parse_ckpt_file_name_of(target, prefix).has_value();
}

bool is_run_of_prefix(const std::string& run_prefix, const std::string& prefix) {
    if (run_prefix == prefix) return true;
    std::uint64_t n = 0;
    return starts_with(run_prefix, prefix + "_") && parse_number(run_prefix.substr(prefix.size() + 1), n);
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
    return choose_prefix(dir, prefix, false);
}

std::string choose_branch_prefix(const std::string& dir, const std::string& prefix) {
    return choose_prefix(dir, prefix, true);
}

}  // namespace trainctl
