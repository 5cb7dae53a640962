// `trainctl ckpt diff A B`: tensor by tensor, are two checkpoints the same (byte for byte, or within --atol/--rtol)?
#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/ckpt_cmds.hpp"
#include "cmd/ckpt_show.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

struct TensorDiff {
    std::string name;
    std::string where;           // "both", "only A", "only B"
    std::string mismatch;        // dtype or shape difference, when there is one
    double max_abs_diff = 0;     // over elements, when dtype and shape match
    bool identical = false;      // byte-identical data, same dtype and shape
    bool close = true;           // every element within the tolerance (when dtype and shape match)
};

TensorDiff compare(const CkptReader& a, const CkptReader& b, const CkptTensorInfo& ta, const CkptTensorInfo& tb,
                   double atol, double rtol) {
    TensorDiff d{ta.name, "both", "", 0, false, true};
    if (ta.dtype != tb.dtype || ta.shape != tb.shape) {
        d.mismatch = std::string(dtype_name(ta.dtype)) + ckpt_dims_str(ta.shape) + " vs " + dtype_name(tb.dtype) +
                     ckpt_dims_str(tb.shape);
        d.close = false;
        return d;
    }
    // Chunk by chunk, read rather than mapped: memory stays bounded whatever the tensors' size.
    const std::uint64_t count = element_count(ta);
    std::vector<std::uint8_t> raw_a, raw_b;
    std::vector<double> va, vb;
    d.identical = true;
    for (std::uint64_t first = 0; first < count; first += kValueChunk) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kValueChunk, count - first));
        read_values(a, ta, first, n, raw_a, va);
        read_values(b, tb, first, n, raw_b, vb);
        if (raw_a == raw_b) continue;  // byte-identical: every difference is 0
        d.identical = false;
        for (std::size_t i = 0; i < n; ++i) {
            const double diff = std::fabs(va[i] - vb[i]);
            // A NaN on one side only is as different as it gets; NaN on both counts as equal.
            if (std::isnan(diff) && !(std::isnan(va[i]) && std::isnan(vb[i]))) d.max_abs_diff = INFINITY;
            else if (diff > d.max_abs_diff) d.max_abs_diff = diff;
            if (!(diff <= atol + rtol * std::fabs(vb[i])) && !(std::isnan(va[i]) && std::isnan(vb[i]))) d.close = false;
        }
    }
    return d;
}

}  // namespace

void run_ckpt_diff(const CkptDiffOptions& opt) {
    const CkptReader a(opt.a), b(opt.b);
    std::vector<TensorDiff> diffs;
    for (const CkptTensorInfo& ta : a.tensors()) {
        const CkptTensorInfo* tb = b.find(ta.name);
        diffs.push_back(tb ? compare(a, b, ta, *tb, opt.atol, opt.rtol) : TensorDiff{ta.name, "only A", "", 0, false, false});
    }
    for (const CkptTensorInfo& tb : b.tensors())
        if (!a.find(tb.name)) diffs.push_back({tb.name, "only B", "", 0, false, false});

    const bool tolerant = opt.atol > 0 || opt.rtol > 0;
    std::size_t identical = 0, close = 0, differ = 0, only_a = 0, only_b = 0;
    for (const TensorDiff& d : diffs) {
        if (d.where == "only A") ++only_a;
        else if (d.where == "only B") ++only_b;
        else if (d.identical) ++identical;
        else if (tolerant && d.close) ++close;
        else ++differ;
    }
    const bool same = identical + close == diffs.size();
    const std::string summary = std::to_string(identical + close + differ) + " tensors in both: " +
                                std::to_string(identical) + " identical, " +
                                (tolerant ? std::to_string(close) + " within --atol/--rtol, " : "") +
                                std::to_string(differ) + " differ; " + std::to_string(only_a) + " only in A, " +
                                std::to_string(only_b) + " only in B";
    if (opt.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const TensorDiff& d : diffs) {
            nlohmann::json j = {{"name", d.name}, {"in", d.where}, {"identical", d.identical}};
            if (tolerant && d.where == "both") j["close"] = d.close;
            if (d.where == "both" && d.mismatch.empty()) j["max_abs_diff"] = d.max_abs_diff;
            if (!d.mismatch.empty()) j["mismatch"] = d.mismatch;
            list.push_back(j);
        }
        std::cout << nlohmann::json{{"a", opt.a}, {"b", opt.b}, {"identical", same}, {"tensors", list},
                                    {"summary", {{"identical", identical}, {"differ", differ},
                                                 {"only_a", only_a}, {"only_b", only_b}}}}
                         .dump()
                  << "\n";
    } else {
        TextTable table({"tensor", "max |A-B|", "identical"}, "lrl");
        for (const TensorDiff& d : diffs) {
            if (d.where != "both") table.add({d.name, "-", d.where});
            else if (!d.mismatch.empty()) table.add({d.name, "-", "no (" + d.mismatch + ")"});
            else table.add({d.name, format_number(d.max_abs_diff),
                            d.identical ? "yes" : tolerant && d.close ? "no (within tolerance)" : "no"});
        }
        table.print(std::cout);
        std::cout << summary << "\n";
    }
    if (!same) throw Error("ckpt diff: " + opt.a + " and " + opt.b + " differ: " + summary);
}

}  // namespace trainctl
