// Checkpoint headers with many tensors: writing and validating stay linear (n log n) in the tensor
// count, and tensors keep their file order although the parsed JSON sorts its keys.
#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "ckpt_test_util.hpp"
#include "sanitizer.hpp"

using namespace trainctl;
using namespace trainctl::testing;

TEST_CASE("100000 tensors save, validate and verify in under a second of CPU each", "[ckpt]") {
    // (ten under ASan: the quadratic passes took 20-40 s)
    constexpr int kCount = 100000;
    const float values[3] = {1, 2, 3};
    std::vector<CkptTensorView> views;
    views.push_back({"weights", DType::F32, {3}, values, sizeof values});
    // Names in descending order, so a reader that lost the file order would list them reversed.
    for (int i = kCount - 1; i >= 0; --i) {
        char name[16];
        std::snprintf(name, sizeof name, "t%06d", i);
        views.push_back({name, DType::F32, {0}, nullptr, 0});
    }
    CkptTempDir dir;
    const std::string path = dir.file("many.ckpt");
    // CPU time, not wall time: the tests may share a busy machine.
    auto seconds_since = [](std::clock_t t) { return static_cast<double>(std::clock() - t) / CLOCKS_PER_SEC; };

    std::clock_t start = std::clock();
    ckpt_save(path, views, {{"epoch", "1"}});
    CHECK(seconds_since(start) < 1.0 * kCpuScale);  // ordered_json inserts took ~20 s here

    start = std::clock();
    const CkptReader reader(path);
    CHECK(seconds_since(start) < 1.0 * kCpuScale);  // the callback parser and ordered_json lookups took ~40 s
    REQUIRE(reader.tensors().size() == views.size());
    std::size_t same_order = 0;
    while (same_order < views.size() && reader.tensors()[same_order].name == views[same_order].name) ++same_order;
    CHECK(same_order == views.size());
    CHECK(reader.find("t054321") != nullptr);

    start = std::clock();
    CHECK(ckpt_verify(path, CkptValues::kFinite).empty());
    CHECK(seconds_since(start) < 1.0 * kCpuScale);
}
