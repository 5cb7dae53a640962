// saved_at and diverged: writing and reading the two marks.
#include "cmd/run/ckpt_marks.hpp"

#include <sys/time.h>

#include <cstdio>
#include <ctime>

namespace trainctl {

std::string saved_at_now() {
    timeval tv {};
    gettimeofday(&tv, nullptr);
    std::tm utc {};
    gmtime_r(&tv.tv_sec, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long>(tv.tv_usec));
    return buf;
}

std::optional<double> saved_at_seconds(const CkptMetadata& metadata) {
    const auto it = metadata.find(kMetaSavedAt);
    if (it == metadata.end()) return std::nullopt;
    std::tm utc {};
    long micros = 0;
    int used = 0;
    // Exactly the form saved_at_now writes: a hand-edited or foreign value is ignored, not guessed.
    if (std::sscanf(it->second.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6ldZ%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &micros, &used) != 7 ||
        static_cast<std::size_t>(used) != it->second.size())
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    return static_cast<double>(timegm(&utc)) + static_cast<double>(micros) * 1e-6;
}

std::string diverged_note(const CkptMetadata& metadata) {
    const auto it = metadata.find(kMetaDiverged);
    if (it == metadata.end()) return "";
    return it->second.empty() ? "diverged" : it->second;
}

}  // namespace trainctl
