// What a checkpoint's metadata says beyond its training state: when it was saved (wall clock) and
// whether its run had diverged. `latest` picks runs and files by them; ckpt ls shows them.
#pragma once
#include <optional>
#include <string>

#include "ckpt_format/ckpt_types.hpp"

namespace trainctl {

// Metadata keys (values are strings, as safetensors requires).
constexpr const char* kMetaSavedAt = "saved_at";  // UTC, "2026-12-01T18:05:20.123456Z"
constexpr const char* kMetaDiverged = "diverged";  // why, e.g. "loss nan at global step 16"

// Now, as saved_at stores it.
std::string saved_at_now();
// saved_at as seconds since 1970; nullopt when absent or not in the form above.
std::optional<double> saved_at_seconds(const CkptMetadata& metadata);
// Why the file holds a diverged run's weights, or "" for a healthy checkpoint.
std::string diverged_note(const CkptMetadata& metadata);

}  // namespace trainctl
