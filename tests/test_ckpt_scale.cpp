// Checkpoint headers with many tensors: they save, validate and verify, and tensors keep their
// file order although the parsed JSON sorts its keys. How long that takes is bench_ckpt's
// ckpt_many_tensors case (these passes were once quadratic: 20-40 s for 100,000 tensors).
#include <catch2/catch.hpp>
#include <cstdio>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "ckpt_test_util.hpp"

using namespace trainctl;
using namespace trainctl::testing;

TEST_CASE("100000 tensors save, validate and verify, in file order", "[ckpt]") {
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
    ckpt_save(path, views, {{"epoch", "1"}});
    const CkptReader reader(path);
    REQUIRE(reader.tensors().size() == views.size());
    std::size_t same_order = 0;
    while (same_order < views.size() && reader.tensors()[same_order].name == views[same_order].name) ++same_order;
    CHECK(same_order == views.size());
    CHECK(reader.find("t054321") != nullptr);

    CHECK(ckpt_verify(path, CkptValues::kFinite).empty());
}
