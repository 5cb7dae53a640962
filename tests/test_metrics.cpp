// class_report against a confusion matrix worked out by hand.
#include <catch2/catch.hpp>

#include "core/metrics.hpp"

using namespace trainctl;

TEST_CASE("class_report: precision, recall and F1 of a tiny set", "[core]") {
    // 6 samples: truth 0 0 0 1 1 2, prediction 0 0 1 1 0 1. Class 2 is never predicted,
    // classes 3-9 never appear.
    ConfusionMatrix m(10);
    m.at(0, 0) = 2;
    m.at(0, 1) = 1;
    m.at(1, 1) = 1;
    m.at(1, 0) = 1;
    m.at(2, 1) = 1;
    ClassReport r = class_report(m);

    // class 0: TP 2, predicted 3, actual 3 -> P 2/3, R 2/3, F1 2/3
    CHECK(r.per_class[0].precision == Approx(2.0 / 3));
    CHECK(r.per_class[0].recall == Approx(2.0 / 3));
    CHECK(r.per_class[0].f1 == Approx(2.0 / 3));
    CHECK(r.per_class[0].support == 3);
    // class 1: TP 1, predicted 3, actual 2 -> P 1/3, R 1/2, F1 2*(1/6)/(5/6) = 0.4
    CHECK(r.per_class[1].precision == Approx(1.0 / 3));
    CHECK(r.per_class[1].recall == Approx(0.5));
    CHECK(r.per_class[1].f1 == Approx(0.4));
    CHECK(r.per_class[1].support == 2);
    // class 2: never predicted -> 0 everywhere, support 1
    CHECK(r.per_class[2].precision == 0);
    CHECK(r.per_class[2].recall == 0);
    CHECK(r.per_class[2].f1 == 0);
    CHECK(r.per_class[2].support == 1);
    CHECK(r.per_class[9].support == 0);

    // macro: sums over 10 classes divided by 10
    CHECK(r.macro.precision == Approx((2.0 / 3 + 1.0 / 3) / 10));
    CHECK(r.macro.recall == Approx((2.0 / 3 + 0.5) / 10));
    CHECK(r.macro.f1 == Approx((2.0 / 3 + 0.4) / 10));
    CHECK(r.macro.support == 6);
}

TEST_CASE("class_report: a perfect diagonal gives 1 for present classes", "[core]") {
    ConfusionMatrix m(10);
    for (std::size_t c = 0; c < 10; ++c) m.at(c, c) = c + 1;
    ClassReport r = class_report(m);
    for (std::size_t c = 0; c < 10; ++c) {
        CHECK(r.per_class[c].precision == 1);
        CHECK(r.per_class[c].recall == 1);
        CHECK(r.per_class[c].f1 == 1);
    }
    CHECK(r.macro.f1 == Approx(1.0));
    CHECK(r.macro.support == 55);
}

TEST_CASE("class_report: as many classes as the matrix has, the macro mean over them", "[core]") {
    // Three classes (an image folder's): truth 0 0 1 2, prediction 0 1 1 2.
    ConfusionMatrix m(3);
    m.at(0, 0) = 1;
    m.at(0, 1) = 1;
    m.at(1, 1) = 1;
    m.at(2, 2) = 1;
    ClassReport r = class_report(m);
    REQUIRE(r.per_class.size() == 3);
    CHECK(r.per_class[0].recall == Approx(0.5));
    CHECK(r.per_class[1].precision == Approx(0.5));
    CHECK(r.per_class[2].f1 == 1);
    // recalls 0.5, 1, 1 over 3 classes (a fixed 10 would give 0.25)
    CHECK(r.macro.recall == Approx(2.5 / 3));
}
