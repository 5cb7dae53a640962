// Available memory from /proc/meminfo and the memory cgroup (v1 or v2) files; huge-page advice.
#include "core/memory.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <sys/mman.h>

#include "core/address_space.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/strings.hpp"

namespace trainctl {
namespace {

// The first number in a file ("max" and missing files give 0).
std::uint64_t read_number(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t v = 0;
    return in >> v ? v : 0;
}

std::uint64_t mem_available() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        std::uint64_t kib = 0;
        if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
    }
    return 0;
}

// Limit minus usage of this process's memory cgroup: v2 ("0::/path") or v1 ("N:memory:/path").
// 0 when there is none (an unlimited v1 group reads as a huge limit, which is harmless).
std::uint64_t cgroup_headroom() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        std::string limit, usage;
        if (starts_with(line, "0::")) {
            const std::string dir = "/sys/fs/cgroup" + line.substr(3);
            limit = dir + "/memory.max", usage = dir + "/memory.current";
        } else if (std::size_t at = line.find(":memory:"); at != std::string::npos) {
            const std::string dir = "/sys/fs/cgroup/memory" + line.substr(at + 8);
            limit = dir + "/memory.limit_in_bytes", usage = dir + "/memory.usage_in_bytes";
        } else {
            continue;
        }
        const std::uint64_t max = read_number(limit);
        if (max == 0) continue;  // "max" (v2 unlimited) or not readable
        const std::uint64_t current = read_number(usage);
        return max > current ? max - current : 1;
    }
    return 0;
}

}  // namespace

std::uint64_t available_memory_bytes() {
    const std::uint64_t meminfo = mem_available(), cgroup = cgroup_headroom();
    if (meminfo == 0 || cgroup == 0) return std::max(meminfo, cgroup);
    return std::min(meminfo, cgroup);
}

void require_memory(std::uint64_t bytes, const std::string& what) {
    // Under ulimit -v the gemm threads' BLAS buffers must fit too: OpenBLAS cannot fail, it spins.
    require_address_space(bytes, static_cast<std::size_t>(std::max(1, num_threads())), what);
    const std::uint64_t available = available_memory_bytes();
    if (available == 0 || bytes <= available) return;
    throw Error(what + " need " + format_size(bytes) + ", more than the " + format_size(available) +
                " of memory available");
}

std::string format_size(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

void advise_huge_pages(void* p, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
    // Advice only: a kernel without transparent huge pages refuses it, and nothing changes.
    if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

}  // namespace trainctl
