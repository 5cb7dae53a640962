// Saves checkpoints: straight to disk (ckpt_save), or into a caller's buffer that a background
// thread later writes with atomic_write_file, giving a byte-identical file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_format/ckpt_types.hpp"

namespace trainctl {

// Writes `tensors` back to back after the header, with `metadata` plus the format tag and CRCs.
// Tensors adjacent in memory (a ParamSet arena) merge into one piece; pieces go out in 16 MB writevs.
// Atomic as atomic_write_file; a failed save throws Error with kExitSaveFailed.
void ckpt_save(const std::string& path, const std::vector<CkptTensorView>& tensors,
               const CkptMetadata& metadata, DirSync dir_sync = DirSync::kNow);

// Bytes the file image of these tensors and metadata takes (header included).
std::uint64_t ckpt_serialized_size(const std::vector<CkptTensorView>& tensors, const CkptMetadata& metadata);

// Writes the file image into `buf` and returns its size; throws Error if `capacity` is smaller.
std::uint64_t ckpt_serialize(const std::vector<CkptTensorView>& tensors, const CkptMetadata& metadata,
                             void* buf, std::uint64_t capacity);

}  // namespace trainctl
