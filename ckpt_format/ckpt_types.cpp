// Shape conversions between the net's Shape and the file's dimension lists.
#include "ckpt_format/ckpt_types.hpp"

namespace trainctl {

CkptDims ckpt_dims(const Shape& shape) {
    CkptDims dims(shape.rank());
    for (std::size_t i = 0; i < shape.rank(); ++i) dims[i] = shape[i];
    return dims;
}

std::string ckpt_dims_str(const CkptDims& dims) {
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i) s += ",";
        s += std::to_string(dims[i]);
    }
    return s + "]";
}

}  // namespace trainctl
