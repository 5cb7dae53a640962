// Shortest round-trip float formatting.
#include "core/float_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace trainctl {

std::string shortest_float_text(float v) {
    if (std::isnan(v)) return "nan";  // printf would say "-nan" for some NaNs; the sign means nothing
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    for (int precision = 6; precision < 10; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, static_cast<double>(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

}  // namespace trainctl
