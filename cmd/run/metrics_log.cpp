// Writing the metrics log: rows formatted into one reserved buffer, appended with write(2);
// a resume rewrites the file by rename to the rows its checkpoint has seen.
#include "cmd/run/metrics_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "ckpt_format/atomic_file.hpp"
#include "core/error.hpp"
#include "core/float_text.hpp"
#include "core/input_file.hpp"

namespace trainctl {

namespace {

constexpr std::size_t kRowReserve = 256;  // a row is ~80 characters; 11 numbers never pass 256

void append_uint(std::string& row, std::uint64_t v) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    row.append(buf, end);
}

// A cell: the shortest text that reads back as the same float (core/float_text.hpp), or empty
// when the value does not apply to the row. Short enough for std::string's inline buffer.
void append_cell(std::string& row, std::optional<double> v) {
    row += ',';
    if (v) row += shortest_float_text(static_cast<float>(*v));
}

// The global_step column of a row, or nullopt when the cell is not a number.
std::optional<std::uint64_t> global_step_of(const std::string& line) {
    constexpr int kGlobalStepColumn = 2;  // epoch,step,global_step,...
    std::size_t begin = 0;
    for (int i = 0; i < kGlobalStepColumn; ++i) {
        begin = line.find(',', begin);
        if (begin == std::string::npos) return std::nullopt;
        ++begin;
    }
    const std::size_t end = std::min(line.find(',', begin), line.size());
    std::uint64_t v = 0;
    const auto r = std::from_chars(line.data() + begin, line.data() + end, v);
    if (r.ec != std::errc() || r.ptr != line.data() + end || end == begin) return std::nullopt;
    return v;
}

}  // namespace

void start_metrics_csv(const std::string& path) {
    const std::string header = std::string(kMetricsCsvHeader) + "\n";
    atomic_write_file(path, {{header.data(), header.size()}});
}

std::string metrics_rows_up_to(const std::string& text, const std::string& source, std::uint64_t global_step) {
    std::size_t pos = text.find('\n');
    const std::string header = text.substr(0, pos);
    if (header != kMetricsCsvHeader)
        throw Error(source + ": line 1 is \"" + header.substr(0, 120) + "\", expected the metrics log header \"" +
                    kMetricsCsvHeader + "\" (move the file away to start a new log)");
    std::string kept = header + "\n";
    std::size_t line_no = 1;
    while (pos != std::string::npos && pos + 1 < text.size()) {
        const std::size_t next = text.find('\n', pos + 1);
        if (next == std::string::npos) break;  // torn last row: it was never complete
        const std::string line = text.substr(pos + 1, next - pos - 1);
        ++line_no;
        const std::optional<std::uint64_t> step = global_step_of(line);
        if (!step)
            throw Error(source + ": line " + std::to_string(line_no) + ": global_step is not a number in \"" +
                        line.substr(0, 120) + "\" (move the file away to start a new log)");
        if (*step <= global_step) kept += line + "\n";
        pos = next;
    }
    return kept;
}

void continue_metrics_csv(const std::string& source, const std::string& path, std::uint64_t global_step) {
    struct stat st {};
    if (::lstat(source.c_str(), &st) != 0) {
        if (errno != ENOENT) throw Error(source + ": cannot read the metrics log: " + std::strerror(errno), kExitSaveFailed);
        return start_metrics_csv(path);
    }
    // The log is the run's by its name under the run's lock; a symlink there is not (planted, or
    // pointing anywhere), and is never followed.
    if (!S_ISREG(st.st_mode))
        throw Error(source + ": the run's metrics log is not a regular file (a symlink?); not following or "
                    "replacing it: move it away and resume", kExitSaveFailed);
    const InputFile file = open_input_file(source, "a metrics log (CSV)", kExitError);
    if (!file.fd.valid()) throw Error(source + ": cannot read the metrics log: " + std::strerror(errno), kExitSaveFailed);
    const std::vector<std::uint8_t> bytes = read_input_file(source, file, kExitError);
    const std::string rows = metrics_rows_up_to(std::string(bytes.begin(), bytes.end()), source, global_step);
    atomic_write_file(path, {{rows.data(), rows.size()}});
}

MetricsLog::MetricsLog(std::string path, std::size_t log_every, const TrainState& start)
    : path_(std::move(path)),
      fd_(::open(path_.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)),
      every_(log_every ? log_every : kMetricsDefaultEvery),
      window_start_s_(start.elapsed_s) {
    if (!fd_.valid()) throw Error(path_ + ": cannot open the metrics log: " + std::strerror(errno), kExitSaveFailed);
    row_.reserve(kRowReserve);
}

void MetricsLog::step_end(const TrainState& s, float loss, std::size_t batch) {
    window_samples_ += batch;
    // After an epoch's last step the state has rolled over: that row is epoch N, step max.
    const bool epoch_done = s.step_in_epoch == 0;
    const std::uint64_t step = epoch_done ? s.steps_per_epoch : s.step_in_epoch;
    if (step % every_ != 0 && !epoch_done) return;
    const double window_s = s.elapsed_s - window_start_s_;
    row_.clear();
    append_uint(row_, epoch_done ? s.epoch : s.epoch + 1);
    row_ += ',';
    append_uint(row_, step);
    row_ += ',';
    append_uint(row_, s.global_step);
    append_cell(row_, s.elapsed_s);
    append_cell(row_, s.lr);
    append_cell(row_, loss);
    append_cell(row_, window_s > 0 ? std::optional<double>(static_cast<double>(window_samples_) / window_s) : std::nullopt);
    for (int i = 0; i < 4; ++i) append_cell(row_, std::nullopt);  // test_loss, test_acc, val_loss, val_acc
    row_ += '\n';
    write_row();
    window_start_s_ = s.elapsed_s;
    window_samples_ = 0;
}

void MetricsLog::epoch_end(const TrainState& s) {
    const bool test = s.has_metrics && s.metrics_epoch == s.epoch, val = s.has_val && s.val_epoch == s.epoch;
    if (!test && !val) return;  // with --val-split the test set is scored only at the end
    row_.clear();
    append_uint(row_, s.epoch);
    row_ += ',';
    append_uint(row_, s.steps_per_epoch);
    row_ += ',';
    append_uint(row_, s.global_step);
    append_cell(row_, s.elapsed_s);
    append_cell(row_, s.lr);
    append_cell(row_, std::nullopt);  // loss: the step rows hold the training loss
    append_cell(row_, std::nullopt);  // samples_per_s
    append_cell(row_, test ? std::optional<double>(s.metrics_loss) : std::nullopt);
    append_cell(row_, test ? std::optional<double>(s.metrics_acc) : std::nullopt);
    append_cell(row_, val ? std::optional<double>(s.val_loss) : std::nullopt);
    append_cell(row_, val ? std::optional<double>(s.val_acc) : std::nullopt);
    row_ += '\n';
    write_row();
}

void MetricsLog::write_row() {
    const char* p = row_.data();
    std::size_t left = row_.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_.get(), p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path_ + ": cannot append a metrics row: " + std::strerror(errno), kExitSaveFailed);
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace trainctl
