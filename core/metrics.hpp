// Per-class precision, recall and F1 from a confusion matrix, and their macro averages.
#pragma once
#include <cstdint>
#include <vector>

#include "core/eval_result.hpp"

namespace trainctl {

// A class never predicted has precision 0, one never present has recall 0, and F1 is 0 when
// both are 0 (scikit-learn's zero_division=0), so a missing class pulls the macro average down.
struct ClassMetrics {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    std::uint64_t support = 0;  // samples whose truth is this class
};

struct ClassReport {
    std::vector<ClassMetrics> per_class;  // one per class of the matrix
    ClassMetrics macro;  // unweighted means over the classes; support = all samples
};

ClassReport class_report(const ConfusionMatrix& confusion);

}  // namespace trainctl
