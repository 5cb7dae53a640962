// One pass over the file's bytes: the header names the columns, each row's wanted cells are parsed
// in place; nothing else is kept.
#include "cmd/metrics_csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "core/input_file.hpp"

namespace trainctl {
namespace {

// Splits one line at commas, trimming spaces (a spreadsheet may add them). Views into `line`,
// so a row costs no allocation once `cells` has grown.
void split_cells(std::string_view line, std::vector<std::string_view>& cells) {
    cells.clear();
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = line.find(',', begin);
        const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
        std::size_t a = begin, b = end;
        while (a < b && line[a] == ' ') ++a;
        while (b > a && line[b - 1] == ' ') --b;
        cells.push_back(line.substr(a, b - a));
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
    }
}

// A header is names made of printable ASCII; anything else (binary data, UTF-16) is no CSV of ours.
bool header_text_ok(std::string_view line) {
    for (unsigned char c : line)
        if (c < 0x20 || c > 0x7e) return false;
    return !line.empty();
}

// At most 40 characters of a line, control bytes as '?', for a message.
std::string excerpt(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size() && i < 40; ++i) {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        out += (c < 0x20 || c > 0x7e) ? '?' : static_cast<char>(c);
    }
    return line.size() > 40 ? out + "..." : out;
}

// The cell as a number; an empty cell is missing (NaN). nan/inf parse (a diverged run's loss)
// and count as missing too. from_chars: strtod's locale lookups were most of a big log's time.
bool parse_cell(std::string_view cell, double& out) {
    out = std::numeric_limits<double>::quiet_NaN();
    if (cell.empty()) return true;
    const char* first = cell.data() + (cell[0] == '+' ? 1 : 0);
    double v = 0;
    const auto [end, ec] = std::from_chars(first, cell.data() + cell.size(), v);
    if (end != cell.data() + cell.size()) return false;
    if (ec == std::errc::result_out_of_range) {  // past the double range: a tiny value is 0, a huge one missing
        const std::string text(cell);
        v = std::strtod(text.c_str(), nullptr);
    } else if (ec != std::errc()) {
        return false;
    }
    if (std::isfinite(v)) out = v;
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
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a spreadsheet's UTF-8 mark

    MetricsCsv csv;
    csv.path = path;
    std::vector<std::size_t> index;  // the header position of each column read
    std::vector<std::string_view> cells;
    std::size_t line_no = 0, pos = 0;
    const std::string_view all = text;
    while (pos < all.size()) {
        const std::size_t nl = all.find('\n', pos);
        const bool complete = nl != std::string_view::npos;
        std::string_view line = all.substr(pos, (complete ? nl : all.size()) - pos);
        pos = complete ? nl + 1 : all.size();
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto where = [&] { return path + ": line " + std::to_string(line_no); };
        if (csv.header.empty()) {
            if (!header_text_ok(line))
                throw Error(where() + ": expected the header of a metrics CSV (epoch,step,global_step,...), found \"" +
                            excerpt(line) + "\"");
            split_cells(line, cells);
            double number = 0;
            if (std::all_of(cells.begin(), cells.end(), [&](std::string_view c) { return parse_cell(c, number); }))
                throw Error(where() + ": expected the header of a metrics CSV (epoch,step,global_step,...), found a row of numbers \"" +
                            excerpt(line) + "\"");
            csv.header.assign(cells.begin(), cells.end());
            for (std::size_t i = 0; i < csv.header.size(); ++i) {
                if (csv.header[i].empty())
                    throw Error(where() + ": header column " + std::to_string(i + 1) + " has no name");
                for (std::size_t j = 0; j < i; ++j)
                    if (csv.header[j] == csv.header[i])
                        throw Error(where() + ": header names column \"" + csv.header[i] + "\" twice");
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
            throw Error(where() + ": " + std::to_string(cells.size()) + " cells, the header has " +
                        std::to_string(csv.header.size()));
        }
        for (std::size_t k = 0; k < index.size(); ++k) {
            double v = 0;
            if (!parse_cell(cells[index[k]], v))
                throw Error(where() + ", column \"" + csv.names[k] + "\": expected a number or an empty cell, found \"" +
                            excerpt(cells[index[k]]) + "\"");
            csv.values[k].push_back(v);
        }
        ++csv.rows;
    }
    if (csv.header.empty()) throw Error(path + ": empty file, expected a metrics CSV with a header line");
    return csv;
}

}  // namespace trainctl
