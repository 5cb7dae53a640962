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
    // A line printed as it is between the rows (a group's title); it does not widen columns.
    void add_line(std::string text);
    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
    std::vector<bool> verbatim_;                  // per row: an add_line text
    std::string align_;
};

std::string format_number(double v);           // "%.6g" (nan and inf as printf spells them)

// Elements per chunk when a tensor is scanned: inspect and diff hold a few MB, whatever the size.
constexpr std::size_t kValueChunk = 1u << 17;

// The tensor's elements [first, first + count) converted to double into `out`, whatever its dtype
// (F16/BF16 included); `raw` is scratch for their bytes. Read with pread, not the mapping.
void read_values(const CkptReader& reader, const CkptTensorInfo& info, std::uint64_t first, std::size_t count,
                 std::vector<std::uint8_t>& raw, std::vector<double>& out);
std::uint64_t element_count(const CkptTensorInfo& info);

struct TensorStats {
    double min = 0, max = 0, mean = 0, std = 0;  // std is the population standard deviation
    std::uint64_t count = 0;                     // elements; the other fields are 0 when this is
};
// Two passes of kValueChunk elements: the one-pass sum-of-squares formula cancels badly.
TensorStats tensor_stats(const CkptReader& reader, const CkptTensorInfo& info);

// "PATH: problem" lines from ckpt_verify as one "problem; problem" text without the path.
std::string join_problems(const std::string& path, const std::vector<std::string>& problems);

}  // namespace trainctl
