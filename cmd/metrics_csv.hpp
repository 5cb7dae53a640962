// Reading a run's metrics log (DIR/PREFIX-metrics.csv, docs/metrics.md) for `trainctl plot`:
// columns found by header name, unknown columns ignored, empty cells missing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace trainctl {

constexpr std::uint64_t kMetricsCsvMaxBytes = 64ull << 20;  // ~700k rows; a tutorial run's log is tens of KB

// The columns asked for, one value per data row; NaN where the cell is empty (or holds nan).
struct MetricsCsv {
    std::string path;
    std::vector<std::string> header;         // every column name, in file order
    std::vector<std::string> names;          // the columns read, in the order asked for
    std::vector<std::vector<double>> values;  // values[i][row] for names[i]
    std::size_t rows = 0;

    bool has(const std::string& name) const;
    const std::vector<double>& column(const std::string& name) const;  // a column that was read
};

// Reads `path`, parsing the `wanted` columns that its header has (the others are skipped, so an
// unknown column may hold text). Throws Error (exit 1) in one line naming the file, and the line
// and column where it applies: a missing or non-regular file, a file over kMetricsCsvMaxBytes, a
// header that is not column names (binary data), a duplicate column, a row with another cell
// count, a cell that is not a number. Blank lines and a '\r' before '\n' are allowed; a last line
// without '\n' and with too few cells is a row still being written, and is left out.
MetricsCsv read_metrics_csv(const std::string& path, const std::vector<std::string>& wanted);

}  // namespace trainctl
