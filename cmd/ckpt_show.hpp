// Presenting checkpoints: aligned text tables, sizes, numbers, and any tensor's values as doubles.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_reader.hpp"

namespace trainctl {

// Columns padded to their widest cell; columns marked 'r' in `align` are right-aligned.
class TextTable {
public:
    TextTable(std::vector<std::string> header, std::string align);
    void add(std::vector<std::string> row);
    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
    std::string align_;
};

std::string format_number(double v);           // "%.6g" (nan and inf as printf spells them)

// The tensor's elements converted to double, whatever its dtype (F16/BF16 included).
std::vector<double> tensor_values(const CkptReader& reader, const CkptTensorInfo& info);

struct TensorStats {
    double min = 0, max = 0, mean = 0, std = 0;  // std is the population standard deviation
    std::uint64_t count = 0;                     // elements; the other fields are 0 when this is
};
TensorStats tensor_stats(const std::vector<double>& values);

// "PATH: problem" lines from ckpt_verify as one "problem; problem" text without the path.
std::string join_problems(const std::string& path, const std::vector<std::string>& problems);

}  // namespace trainctl
