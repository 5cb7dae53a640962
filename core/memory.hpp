// Refusing an allocation that cannot fit, before it starts: a net of 65536-wide layers would
// otherwise end in std::bad_alloc, or worse in the kernel's OOM killer picking a process.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace trainctl {

// Bytes a new allocation can take now: the kernel's MemAvailable, or less when the memory
// cgroup's limit minus its usage is tighter (v2 or v1). 0 when neither can be read.
std::uint64_t available_memory_bytes();

// Throws Error "<what> need 32.5 GiB, more than the 22.9 GiB of memory available" when `bytes`
// exceed available_memory_bytes(); does nothing when that is unknown. Under an address-space
// limit, also require_address_space(bytes, num_threads(), what): see core/address_space.hpp.
void require_memory(std::uint64_t bytes, const std::string& what);

// Asks the kernel to back the whole 2 MiB pages inside [p, p + bytes) with huge pages when they
// are first touched (madvise MADV_HUGEPAGE; a no-op where unsupported). For a large buffer
// filled once: in a paravirtualised guest each 4 KiB page fault costs microseconds, and packing
// MNIST's training set first-touched 3,500 of them.
void advise_huge_pages(void* p, std::size_t bytes);

// "245.1 KiB", "32.5 GiB": bytes in binary units, one decimal.
std::string format_size(std::uint64_t bytes);

}  // namespace trainctl
