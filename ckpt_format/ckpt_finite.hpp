// Finding NaN and infinity in a checkpoint's float tensors: a diverged run saves well-formed
// files (sound header, matching CRCs) whose weights are useless, and they must not pass as sound.
#pragma once
#include <string>

#include "ckpt_format/ckpt_reader.hpp"

namespace trainctl {

// "" when every value of the tensor is finite (integer dtypes always are), else one line:
// PATH: tensor "fc1.weight" holds NaN at index 17; the weights diverged, use an earlier checkpoint
std::string ckpt_non_finite(const CkptReader& reader, const CkptTensorInfo& info);

}  // namespace trainctl
