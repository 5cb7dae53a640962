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
    const std::size_t classes = confusion.classes;
    r.per_class.resize(classes);
    for (std::size_t c = 0; c < classes; ++c) {
        std::uint64_t predicted = 0, actual = 0;
        for (std::size_t k = 0; k < classes; ++k) {
            predicted += confusion.at(k, c);
            actual += confusion.at(c, k);
        }
        ClassMetrics& m = r.per_class[c];
        m.precision = ratio(confusion.at(c, c), predicted);
        m.recall = ratio(confusion.at(c, c), actual);
        const double sum = m.precision + m.recall;
        m.f1 = sum > 0 ? 2 * m.precision * m.recall / sum : 0.0;
        m.support = actual;
        r.macro.precision += m.precision / static_cast<double>(classes);
        r.macro.recall += m.recall / static_cast<double>(classes);
        r.macro.f1 += m.f1 / static_cast<double>(classes);
        r.macro.support += actual;
    }
    return r;
}

}  // namespace trainctl
