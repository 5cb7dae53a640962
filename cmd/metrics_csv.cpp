// One pass over the file's bytes: the header names the columns, each row's wanted cells are parsed
// with strtod; nothing else is kept.
#include "cmd/metrics_csv.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "core/input_file.hpp"

namespace trainctl {
namespace {

// Splits one line at commas, trimming spaces (a spreadsheet may add them). Reuses `cells`.
void split_cells(const std::string& line, std::vector<std::string>& cells) {
    cells.clear();
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = line.find(',', begin);
        const std::size_t end = comma == std::string::npos ? line.size() : comma;
        std::size_t a = begin, b = end;
        while (a < b && line[a] == ' ') ++a;
        while (b > a && line[b - 1] == ' ') --b;
        cells.push_back(line.substr(a, b - a));
        if (comma == std::string::npos) break;
        begin = comma + 1;
    }
}

// A header is names made of printable ASCII; anything else (binary data, UTF-16) is no CSV of ours.
bool header_text_ok(const std::string& line) {
    for (unsigned char c : line)
        if (c < 0x20 || c > 0x7e) return false;
    return !line.empty();
}

// At most 40 characters of a line, control bytes as '?', for a message.
std::string excerpt(const std::string& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size() && i < 40; ++i) {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        out += (c < 0x20 || c > 0x7e) ? '?' : static_cast<char>(c);
    }
    return line.size() > 40 ? out + "..." : out;
}

// The cell as a number; an empty cell is missing (NaN). nan/inf parse (a diverged run's loss).
bool parse_cell(const std::string& cell, double& out) {
    if (cell.empty()) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(cell.c_str(), &end);
    if (end != cell.c_str() + cell.size() || (errno == ERANGE && std::fabs(v) > 1)) return false;
    out = std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
    return true;
}

}  // namespace

bool MetricsCsv::has(const std::string& name) const {
    for (const std::string& n : names)
        if (n == name) return true;
    return false;
}

const std::vector<double>& MetricsCsv::column(const std::string& name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return values[i];
    throw Error(path + ": no column \"" + name + "\"");
}

MetricsCsv read_metrics_csv(const std::string& path, const std::vector<std::string>& wanted) {
    const InputFile file = open_input_file(path, "a metrics CSV file", kExitError);
    if (!file.fd.valid()) throw Error(path + ": cannot open metrics log: " + std::strerror(errno));
    if (file.size > kMetricsCsvMaxBytes)
        throw Error(path + ": metrics log is " + std::to_string(file.size) + " bytes, expected at most " +
                    std::to_string(kMetricsCsvMaxBytes));
    const std::vector<std::uint8_t> bytes = read_input_file(path, file, kExitError);
    std::string text(bytes.begin(), bytes.end());
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // a spreadsheet's UTF-8 mark

    MetricsCsv csv;
    csv.path = path;
    std::vector<std::size_t> index;  // the header position of each column read
    std::vector<std::string> cells;
    std::size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        const bool complete = nl != std::string::npos;
        std::string line = text.substr(pos, (complete ? nl : text.size()) - pos);
        pos = complete ? nl + 1 : text.size();
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string where = path + ": line " + std::to_string(line_no);
        if (csv.header.empty()) {
            if (!header_text_ok(line))
                throw Error(where + ": expected the header of a metrics CSV (epoch,step,global_step,...), found \"" +
                            excerpt(line) + "\"");
            split_cells(line, csv.header);
            double number = 0;
            if (std::all_of(csv.header.begin(), csv.header.end(), [&](const std::string& c) { return parse_cell(c, number); }))
                throw Error(where + ": expected the header of a metrics CSV (epoch,step,global_step,...), found a row of numbers \"" +
                            excerpt(line) + "\"");
            for (std::size_t i = 0; i < csv.header.size(); ++i) {
                if (csv.header[i].empty())
                    throw Error(where + ": header column " + std::to_string(i + 1) + " has no name");
                for (std::size_t j = 0; j < i; ++j)
                    if (csv.header[j] == csv.header[i])
                        throw Error(where + ": header names column \"" + csv.header[i] + "\" twice");
            }
            for (const std::string& name : wanted)
                for (std::size_t i = 0; i < csv.header.size(); ++i)
                    if (csv.header[i] == name) {
                        csv.names.push_back(name);
                        index.push_back(i);
                    }
            csv.values.resize(csv.names.size());
            continue;
        }
        if (line.empty()) continue;
        split_cells(line, cells);
        if (cells.size() != csv.header.size()) {
            if (!complete && cells.size() < csv.header.size()) break;  // a row still being written
            throw Error(where + ": " + std::to_string(cells.size()) + " cells, the header has " +
                        std::to_string(csv.header.size()));
        }
        for (std::size_t k = 0; k < index.size(); ++k) {
            double v = 0;
            if (!parse_cell(cells[index[k]], v))
                throw Error(where + ", column \"" + csv.names[k] + "\": expected a number or an empty cell, found \"" +
                            excerpt(cells[index[k]]) + "\"");
            csv.values[k].push_back(v);
        }
        ++csv.rows;
    }
    if (csv.header.empty()) throw Error(path + ": empty file, expected a metrics CSV with a header line");
    return csv;
}

}  // namespace trainctl
