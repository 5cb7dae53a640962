// Turning picks and files into InferSamples; BatchMaker does the resize and normalisation, so
// the user's images get exactly the training transforms.
#include "cmd/infer_samples.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

#include "core/data/batch.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"

namespace trainctl {
namespace {

// MNIST's mean brightness is about 33 of 255; a picture brighter than mid-grey on average is
// almost surely a dark digit on a light background.
constexpr double kInvertedMean = 127.5;

InferSample from_test(const LabeledImages& test, const BatchMaker& transform, std::size_t i) {
    InferSample s;
    s.name = "test[" + std::to_string(i) + "]";
    s.display.width = test.cols;
    s.display.height = test.rows;
    s.display.pixels.assign(test.image(i), test.image(i) + test.rows * test.cols);
    s.input.resize(transform.spec().size * transform.spec().size);
    transform.transform(test.image(i), s.input.data());
    s.truth = test.labels[i];
    s.index = i;
    return s;
}

}  // namespace

std::vector<InferSample> pick_test_samples(const LabeledImages& test, const InputSpec& spec,
                                           const std::vector<std::size_t>& indices, std::size_t count,
                                           std::uint64_t seed) {
    std::vector<std::size_t> picks = indices;
    for (std::size_t i : picks)
        if (i >= test.count)
            throw usage_error("--index: " + std::to_string(i) + " is out of range: the test set has " +
                              std::to_string(test.count) + " images (0.." + std::to_string(test.count - 1) + ")");
    if (picks.empty()) {
        if (count > test.count)
            throw usage_error("--count: " + std::to_string(count) + " is more than the " +
                              std::to_string(test.count) + " test images");
        Rng rng(seed, kStreamPick);
        while (picks.size() < count) {
            const std::size_t i = rng.below(static_cast<std::uint32_t>(test.count));
            if (std::find(picks.begin(), picks.end(), i) == picks.end()) picks.push_back(i);
        }
    }
    const BatchMaker transform(spec, test.rows, test.cols);
    std::vector<InferSample> out;
    for (std::size_t i : picks) out.push_back(from_test(test, transform, i));
    return out;
}

std::vector<InferSample> load_file_samples(const std::vector<std::string>& files, const InputSpec& spec, bool invert) {
    std::vector<GreyImage> images;
    for (const auto& f : files) images.push_back(read_grey_image(f));

    const InputSpec unit{spec.size, /*mean=*/0.0f, /*std=*/1.0f};  // resize only: values x/255
    std::vector<InferSample> out;
    for (std::size_t k = 0; k < files.size(); ++k) {
        GreyImage& im = images[k];
        if (invert)
            for (auto& v : im.pixels) v = static_cast<std::uint8_t>(255 - v);
        const double mean = std::accumulate(im.pixels.begin(), im.pixels.end(), 0.0) / im.pixels.size();
        if (mean > kInvertedMean)
            std::cerr << "trainctl: hint: " << files[k] << ": mean brightness " << std::lround(mean)
                      << " of 255 looks like a dark digit on a light background; MNIST digits are light on dark: "
                      << (invert ? "drop --invert" : "try --invert") << "\n";

        InferSample s;
        s.name = files[k];
        s.input.resize(spec.size * spec.size);
        BatchMaker(spec, im.height, im.width).transform(im.pixels.data(), s.input.data());
        std::vector<float> unit_pixels(spec.size * spec.size);
        BatchMaker(unit, im.height, im.width).transform(im.pixels.data(), unit_pixels.data());
        s.display.width = s.display.height = spec.size;
        for (float v : unit_pixels)
            s.display.pixels.push_back(static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)));
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace trainctl
