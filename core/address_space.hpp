// The address-space limit (ulimit -v: RLIMIT_AS, and RLIMIT_DATA) checked before allocating.
// Past it OpenBLAS does not fail: its buffer allocator retries mmap forever (memory.c,
// blas_memory_alloc), deaf to SIGTERM, and a process whose OpenBLAS thread spins so never exits.
#pragma once
#include <cstdint>
#include <string>

namespace trainctl {

// The buffer OpenBLAS maps for each thread inside a gemm call and for each of its own server
// threads, kept until exit: BUFFER_SIZE = 32 << 22 on x86_64 (common_x86_64.h); VmSize grows by
// exactly that at a thread's first gemm (OpenBLAS 0.3.21). Counted whole, touched or not.
constexpr std::uint64_t kBlasBufferBytes = std::uint64_t{32} << 22;

// A "VmSize:" or "VmData:" line of /proc/self/status, in bytes (0 when unreadable).
std::uint64_t proc_status_bytes(const std::string& key);

// What a new thread can map: its stack (RLIMIT_STACK, 8 MiB by default; glibc's 32 MiB when
// unlimited) and, at its first malloc, glibc's 64 MiB arena.
std::uint64_t thread_reserve_bytes();

// What the limits leave for new mappings: RLIMIT_AS minus VmSize, or RLIMIT_DATA minus VmData
// when tighter; UINT64_MAX when neither limit is set (0 when one is already exceeded).
std::uint64_t address_space_headroom();

// "the address-space limit of 200.0 MiB (ulimit -v)" or "... (RLIMIT_DATA)": the tighter limit,
// for messages; empty when none is set.
std::string address_space_limit_text();

// Throws Error "<what> need 300.0 MiB of address space, more than the 120.0 MiB left under the
// address-space limit of 200.0 MiB (ulimit -v)" when `bytes` plus the BLAS buffers of
// `blas_threads` gemm-calling threads exceed the headroom. No limit set: does nothing.
void require_address_space(std::uint64_t bytes, std::size_t blas_threads, const std::string& what);

// The message for a std::bad_alloc no check foresaw: "out of memory: an allocation failed under
// the address-space limit of 200.0 MiB (ulimit -v)", or naming the memory available.
std::string out_of_memory_text();

// Empty, or the one-line error for a limit too tight for OpenBLAS's own server threads to map
// their buffers at start-up: they would spin forever and the process would never exit.
std::string blas_startup_shortfall();

}  // namespace trainctl
