// The config keys a resumed run keeps as stored: changing them mid-run would not continue the
// run (the tensors' shapes, the optimizer state, the step numbering or the data order follow
// them). `resume` refuses a new value for them in one line naming the `train` that does it.
#pragma once
#include <string>
#include <nlohmann/json_fwd.hpp>

#include "core/config.hpp"

namespace trainctl {

// Why a resume keeps `key` ("" when it may change, as lr, epochs or the save policy may).
std::string resume_fixed_reason(const std::string& key);

// Throws usage_error (exit 2) for the first fixed key whose value in `resumed` differs from the
// one in `stored` (both as to_json writes them), naming where the new value came from
// (`origins`), the stored value, why, and the `train --init-from FROM ...` that would do it.
// A value equal to the stored one is no change and passes.
void refuse_fixed_key_changes(const nlohmann::json& stored, const nlohmann::json& resumed,
                              const ConfigOrigins& origins, const std::string& from);

}  // namespace trainctl
