// Precision = TP / predicted as the class, recall = TP / truly the class, F1 their harmonic mean.
#include "core/metrics.hpp"

namespace trainctl {
namespace {
double ratio(std::uint64_t num, std::uint64_t den) {
    return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}
}  // namespace

ClassReport class_report(const ConfusionMatrix& confusion) {
    ClassReport r;
    for (std::size_t c = 0; c < kNumClasses; ++c) {
        std::uint64_t predicted = 0, actual = 0;
        for (std::size_t k = 0; k < kNumClasses; ++k) {
            predicted += confusion[k][c];
            actual += confusion[c][k];
        }
        ClassMetrics& m = r.per_class[c];
        m.precision = ratio(confusion[c][c], predicted);
        m.recall = ratio(confusion[c][c], actual);
        const double sum = m.precision + m.recall;
        m.f1 = sum > 0 ? 2 * m.precision * m.recall / sum : 0.0;
        m.support = actual;
        r.macro.precision += m.precision / kNumClasses;
        r.macro.recall += m.recall / kNumClasses;
        r.macro.f1 += m.f1 / kNumClasses;
        r.macro.support += actual;
    }
    return r;
}

}  // namespace trainctl
