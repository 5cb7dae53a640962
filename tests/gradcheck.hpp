// The one finite-difference gradient checker: every layer test (and the loss test) compares
// analytic gradients against central differences of a scalar computed in double.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>
#include <catch2/catch.hpp>

#include "core/layer.hpp"
#include "core/linear.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"

namespace trainctl::testing {

// Central differences of f with respect to each of x[0..n): (f(x+h) - f(x-h)) / (2h), where
// the step is what float rounding actually produced, not the nominal eps.
inline std::vector<double> numeric_gradient(const std::function<double()>& f, float* x, std::size_t n, float eps) {
    std::vector<double> g(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float saved = x[i];
        x[i] = saved + eps;
        const double hi = x[i];
        const double f_hi = f();
        x[i] = saved - eps;
        const double lo = x[i];
        const double f_lo = f();
        x[i] = saved;
        g[i] = (f_hi - f_lo) / (hi - lo);
    }
    return g;
}

// Checks |analytic - numeric| <= tol * max(1, |numeric|) everywhere; one CHECK per tensor,
// naming the worst element.
inline void check_close(const std::string& what, const float* analytic, const std::vector<double>& numeric,
                        double tol) {
    std::size_t worst = 0;
    double worst_err = -1;
    for (std::size_t i = 0; i < numeric.size(); ++i) {
        const double err = std::abs(analytic[i] - numeric[i]) / std::max(1.0, std::abs(numeric[i]));
        if (err > worst_err) {
            worst_err = err;
            worst = i;
        }
    }
    std::ostringstream info;
    if (!numeric.empty())
        info << what << "[" << worst << "]: analytic " << analytic[worst] << ", numeric " << numeric[worst];
    INFO(info.str());
    CHECK(worst_err <= tol);
}

// Fills t with random uniform values in [lo, hi).
inline void fill_uniform(Tensor& t, Rng& rng, float lo, float hi) {
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
}

// Fills t with a shuffled grid (k - n/2 + 1/2) * spacing: all values distinct and at least
// spacing/2 from zero, so a step below spacing/2 never crosses a ReLU kink or a max-pool tie.
inline void fill_distinct(Tensor& t, Rng& rng, float spacing) {
    std::vector<std::uint32_t> order(t.size());
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng.below(static_cast<std::uint32_t>(i))]);
    const double half = static_cast<double>(t.size()) / 2;
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>((order[i] - half + 0.5) * spacing);
}

struct GradCheckOptions {
    float eps = 1e-2f;   // step; layers are piecewise linear, so only float rounding limits it
    double tol = 1e-3;   // relative to max(1, |numeric|)
    std::uint64_t seed = 7;
};

// Checks dx and every parameter gradient of `layer` at input x (filled by the caller, batch
// dim first) for f = sum(y * r) with fixed random r. params is null for parameter-free layers.
inline void check_layer_gradients(Layer& layer, ParamSet* params, Tensor& x, const GradCheckOptions& opt = {});

// A Linear layer (in -> out, with and without bias) on `batch` rows, its parameters and input
// drawn from `seed`, against finite differences at the current thread count; returns whether
// its weight grad went by batch rows (Linear::grads_by_batch) both times.
inline bool check_linear_gradients(std::size_t batch, std::size_t in, std::size_t out, std::uint64_t seed) {
    bool by_batch = true;
    for (bool bias : {true, false}) {
        INFO("linear " << in << " -> " << out << ", batch " << batch << ", bias " << bias);
        ParamSet params;
        Linear fc(params, "fc", Shape{in}, out, bias);
        params.allocate();
        Rng rng(seed, 1);
        for (std::size_t i = 0; i < params.total(); ++i) params.values()[i] = rng.uniform(-1.0f, 1.0f);
        Tensor x(Shape{batch, in});
        fill_uniform(x, rng, -1.0f, 1.0f);
        check_layer_gradients(fc, &params, x);
        by_batch = by_batch && fc.grads_by_batch();
    }
    return by_batch;
}

inline void check_layer_gradients(Layer& layer, ParamSet* params, Tensor& x, const GradCheckOptions& opt) {
    layer.reserve(x.shape()[0]);
    Rng rng(opt.seed, 11);
    Tensor r(layer.forward(x).shape());
    fill_uniform(r, rng, -1.0f, 1.0f);
    const auto f = [&] {
        const Tensor& y = layer.forward(x);
        double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * r[i];
        return s;
    };
    f();
    if (params) params->zero_grad();
    const Tensor& dx = layer.backward(r);
    REQUIRE(dx.shape() == x.shape());
    check_close(layer.name() + " dx", dx.data(), numeric_gradient(f, x.data(), x.size(), opt.eps), opt.tol);
    if (!params) return;
    // Copy the grads first: the numeric passes run forward() again but never backward().
    const std::vector<float> grads(params->grads(), params->grads() + params->total());
    for (const ParamInfo& p : params->infos())
        check_close(p.name, grads.data() + p.offset, numeric_gradient(f, params->values() + p.offset, p.size, opt.eps),
                    opt.tol);
}

}  // namespace trainctl::testing
