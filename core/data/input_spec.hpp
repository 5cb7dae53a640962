// InputSpec: the size and normalisation images are transformed to before the net sees them.
#pragma once
#include <cstddef>

namespace trainctl {

// The tutorials' transforms: bilinear resize to size x size (pixel-centre aligned, as OpenCV
// INTER_LINEAR; no resize when size equals the source), then x/(255*std) - mean/std, CHW.
struct InputSpec {
    std::size_t size = 32;
    float mean = 0.1307f;
    float std = 0.3081f;
};

}  // namespace trainctl
