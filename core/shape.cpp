// Shape printing.
#include "core/shape.hpp"

namespace trainctl {

std::string Shape::str() const {
    std::string s = "[";
    for (std::size_t i = 0; i < rank_; ++i) {
        if (i) s += ",";
        s += std::to_string(dims_[i]);
    }
    return s + "]";
}

}  // namespace trainctl
