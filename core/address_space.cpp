// Address-space limits from getrlimit and usage from /proc/self/status and /proc/self/maps.
#include "core/address_space.hpp"

#include <cblas.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/memory.hpp"

namespace trainctl {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

std::uint64_t soft_limit(int resource) {
    rlimit r{};
    if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return kUnlimited;
    return r.rlim_cur;
}

struct Tightest {
    std::uint64_t headroom = kUnlimited;
    std::uint64_t limit = kUnlimited;
    const char* name = "";
};

Tightest tightest() {
    Tightest t;
    const struct {
        int resource;
        const char* status_key;
        const char* name;
    } limits[] = {{RLIMIT_AS, "VmSize:", "ulimit -v"}, {RLIMIT_DATA, "VmData:", "RLIMIT_DATA"}};
    for (const auto& l : limits) {
        const std::uint64_t limit = soft_limit(l.resource);
        if (limit == kUnlimited) continue;
        const std::uint64_t used = proc_status_bytes(l.status_key);
        const std::uint64_t headroom = limit > used ? limit - used : 0;
        if (headroom < t.headroom) t = {headroom, limit, l.name};
    }
    return t;
}

std::string limit_text(const Tightest& t) {
    return "the address-space limit of " + format_size(t.limit) + " (" + t.name + ")";
}

// OpenBLAS buffers already mapped: private anonymous read-write mappings of whole buffers
// (adjacent ones merge into one). Read at start-up, before trainctl maps anything that large.
std::uint64_t blas_buffers_mapped() {
    std::ifstream in("/proc/self/maps");
    std::string line;
    std::uint64_t buffers = 0;
    while (std::getline(in, line)) {
        unsigned long long begin = 0, end = 0, offset = 0;
        char perms[8] = {};
        int path_at = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %*s %*u%n", &begin, &end, perms, &offset, &path_at) < 4)
            continue;
        const bool anonymous = line.find_first_not_of(' ', static_cast<std::size_t>(path_at)) == std::string::npos;
        if (anonymous && std::string(perms) == "rw-p") buffers += (end - begin) / kBlasBufferBytes;
    }
    return buffers;
}

}  // namespace

std::uint64_t proc_status_bytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name;
        std::uint64_t kib = 0;
        if (fields >> name >> kib && name == key) return kib * 1024;
    }
    return 0;
}

std::uint64_t thread_reserve_bytes() {
    const std::uint64_t stack = soft_limit(RLIMIT_STACK);
    return (stack == kUnlimited ? std::uint64_t{32} << 20 : stack) + (std::uint64_t{64} << 20);
}

std::uint64_t address_space_headroom() { return tightest().headroom; }

std::string address_space_limit_text() {
    const Tightest t = tightest();
    return t.limit == kUnlimited ? "" : limit_text(t);
}

void require_address_space(std::uint64_t bytes, std::size_t blas_threads, const std::string& what) {
    const Tightest t = tightest();
    if (t.limit == kUnlimited) return;
    const std::uint64_t need = bytes + blas_threads * kBlasBufferBytes;
    if (need <= t.headroom) return;
    throw Error(what + (blas_threads ? " and the BLAS buffers of " + std::to_string(blas_threads) + " thread(s) (--threads)" : "") +
                " need " + format_size(need) + " of address space, more than the " + format_size(t.headroom) +
                " left under " + limit_text(t));
}

std::string out_of_memory_text() {
    const Tightest t = tightest();
    if (t.limit != kUnlimited)
        return "out of memory: an allocation failed with " + format_size(t.headroom) + " left under " + limit_text(t);
    return "out of memory: an allocation failed with " + format_size(available_memory_bytes()) +
           " of memory available";
}

std::string blas_startup_shortfall() {
    const Tightest before = tightest();
    if (before.limit == kUnlimited) return "";
    // openblas_get_num_threads() is OpenBLAS's thread count at load: it started that many minus one
    // server threads, each mapping a buffer as it starts (possibly not yet).
    const std::uint64_t servers = static_cast<std::uint64_t>(std::max(1, openblas_get_num_threads())) - 1;
    // A consistent snapshot: a server thread mapping its buffer between the two reads would be
    // counted both as used (VmSize) and as pending, and refuse a limit it fits in. Read the maps
    // on both sides of VmSize until no buffer appeared in between.
    std::uint64_t mapped = blas_buffers_mapped();
    Tightest t = tightest();
    for (int tries = 0; tries < 100; ++tries) {
        const std::uint64_t mapped_after = blas_buffers_mapped();
        if (mapped_after == mapped) break;
        mapped = mapped_after;
        t = tightest();
    }
    const std::uint64_t pending = servers > mapped ? servers - mapped : 0;
    const std::uint64_t need = pending * kBlasBufferBytes;
    if (need <= t.headroom) {
        // They will map their buffers: wait for it (a few ms at most), so that later checks
        // (require_address_space) see them in VmSize instead of racing them for the headroom.
        for (int tries = 0; tries < 2000 && mapped < servers; ++tries) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            mapped = blas_buffers_mapped();
        }
        return "";
    }
    return "OpenBLAS's " + std::to_string(servers) + " server thread(s) need " +
           format_size(need) + " of address space for their buffers, more than the " + format_size(t.headroom) +
           " left under " + limit_text(t) + "; raise the limit to at least " +
           format_size(t.limit - t.headroom + need) + " or set OPENBLAS_NUM_THREADS=1";
}

}  // namespace trainctl
