// CRC32C (Castagnoli), the checksum guarding every checkpoint tensor and header.
// The SSE4.2 instruction is used when the CPU has it; the portable path gives identical values.
#pragma once
#include <cstddef>
#include <cstdint>

namespace trainctl {

// Standard CRC32C (init and final xor 0xFFFFFFFF). Chains: crc32c(b, crc32c(a)) == crc32c(a+b).
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

// Table-driven slicing-by-8, for CPUs without SSE4.2 and to cross-check the fast path.
std::uint32_t crc32c_portable(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace trainctl
