// A checkpoint a run starts from, opened once: its metadata (the stored run) and its tensors,
// each CRC-checked as it is read.
#pragma once
#include <string>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/stored_run.hpp"

namespace trainctl {

struct CkptSource {
    explicit CkptSource(const std::string& path) : reader(path, CkptDataCrc::kOnRead), stored(read_stored_run(reader)) {}
    CkptReader reader;
    StoredRun stored;
};

}  // namespace trainctl
