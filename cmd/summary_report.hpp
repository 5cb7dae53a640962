// What `trainctl summary` prints: the Keras model.summary() / torchinfo table of a net, its
// totals, and what a run of it costs per sample, per epoch and in memory at its batch.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <nlohmann/json_fwd.hpp>

#include "core/config.hpp"
#include "core/sequential.hpp"

namespace trainctl {

struct SummaryInput {
    std::string source;  // what the net came from: the config file, the checkpoint
    const RunConfig& config;
    const Sequential& net;
    bool training = true;  // false for an inference export: no optimizer, batch or epochs to count
    std::optional<std::uint64_t> samples_per_epoch;
    std::string no_epoch_why;  // when samples_per_epoch is unknown: why
};

// The memory a run holds for its net at config.batch_size, in bytes.
struct RunMemory {
    std::uint64_t params = 0, grads = 0, optimizer = 0, activations = 0;
    std::size_t optimizer_slots = 0;
    std::uint64_t total() const { return params + grads + optimizer + activations; }
};
RunMemory run_memory(const RunConfig& config, const Sequential& net);

std::string summary_text(const SummaryInput& in);
nlohmann::json summary_json(const SummaryInput& in);

}  // namespace trainctl
