// Checkpoint save/load speed against dd (write with fsync, cold read) on the same disk, the
// latency of a LeNet5-sized save, and the header passes with 100,000 tensors (once quadratic).
// Usage: bench_ckpt [DIR=/tmp] [RUNS=5]. Prints one JSON object per line; MB/s counts 10^6 bytes.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "core/error.hpp"

using namespace trainctl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBigTensors = 4;
constexpr std::size_t kBigFloats = 16u << 20;  // 64 MiB per tensor, 256 MiB in all
constexpr std::size_t kLenetParams = 61706;    // LeNet5 parameter count
constexpr int kLenetRuns = 50;
constexpr int kManyTensors = 100000;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
double seconds(F&& f) {
    auto start = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Drops the file from the page cache so the next read comes from disk.
void evict(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw Error(path + ": cannot open to evict from the page cache");
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

void print(const std::string& bench, const char* key, double value, int runs) {
    std::cout << nlohmann::json{{"bench", bench}, {key, value}, {"runs", runs}}.dump() << std::endl;
}

void bench_big(const std::string& dir, int runs) {
    std::vector<std::vector<float>> data(kBigTensors, std::vector<float>(kBigFloats));
    std::vector<CkptTensorView> views;
    for (std::size_t t = 0; t < kBigTensors; ++t) {
        for (std::size_t i = 0; i < kBigFloats; ++i)
            data[t][i] = static_cast<float>(i % 1000) * 0.001f + static_cast<float>(t);
        views.push_back({"layer" + std::to_string(t) + ".weight", DType::F32, {kBigFloats / 1024, 1024},
                         data[t].data(), kBigFloats * 4});
    }
    const double mb = kBigTensors * kBigFloats * 4 / 1e6;
    const std::string path = dir + "/bench.ckpt", dd_path = dir + "/dd.bin";
    const std::string dd = "dd if=/dev/zero of=" + dd_path + " bs=1M count=256 conv=fsync status=none";
    const std::string dd_read = "dd if=" + path + " of=/dev/null bs=1M status=none";
    std::vector<double> save, load_cold, load_warm, dd_rate, dd_read_rate;
    std::vector<float> out(kBigFloats);
    auto load = [&] {
        CkptReader reader(path, CkptDataCrc::kOnRead);  // as resume, eval and infer load
        for (const CkptTensorView& v : views) reader.read_f32(v.name, Shape{kBigFloats / 1024, 1024}, out.data());
        reader.check_unread();
    };
    for (int r = 0; r < runs; ++r) {  // interleaved, so disk state drifts equally for all three
        dd_rate.push_back(mb / seconds([&] {
            if (std::system(dd.c_str()) != 0) throw Error("bench_ckpt: dd failed in " + dir);
        }));
        std::remove(dd_path.c_str());
        // Like dd, write a fresh file: replacing one would add the cost of freeing the old blocks.
        std::remove(path.c_str());
        save.push_back(mb / seconds([&] { ckpt_save(path, views, {{"note", "bench"}}); }));
        evict(path);
        dd_read_rate.push_back(mb / seconds([&] {
            if (std::system(dd_read.c_str()) != 0) throw Error("bench_ckpt: dd failed reading " + path);
        }));
        evict(path);
        load_cold.push_back(mb / seconds(load));
        load_warm.push_back(mb / seconds(load));
    }
    std::remove(path.c_str());
    // Ratios are taken run by run (each run's save against the dd right before it) and then
    // their median: on a shared machine that cancels most of the drift between runs.
    std::vector<double> save_ratio, load_ratio;
    for (int r = 0; r < runs; ++r) {
        save_ratio.push_back(save[r] / dd_rate[r]);
        load_ratio.push_back(load_cold[r] / dd_read_rate[r]);
    }
    print("ckpt_save_256mb", "median_mb_per_s", median(save), runs);
    print("ckpt_load_256mb", "median_mb_per_s", median(load_cold), runs);
    print("ckpt_load_256mb_cached", "median_mb_per_s", median(load_warm), runs);
    print("dd_256mb", "median_mb_per_s", median(dd_rate), runs);
    print("dd_read_256mb", "median_mb_per_s", median(dd_read_rate), runs);
    print("ckpt_save_vs_dd", "median_ratio", median(save_ratio), runs);
    print("ckpt_load_vs_dd_read", "median_ratio", median(load_ratio), runs);
}

void bench_lenet(const std::string& dir) {
    std::vector<float> params(kLenetParams, 0.01f), momentum(kLenetParams, -0.02f);
    // A few KB of metadata, like a config and training state.
    CkptMetadata meta{{"version", "0.1.0"},
                      {"config", std::string(3000, 'c')},
                      {"state", R"({"step":123456,"epoch":7,"lr":0.01,"best_acc":0.991})"}};
    std::vector<CkptTensorView> views{{"params", DType::F32, {kLenetParams}, params.data(), kLenetParams * 4},
                                      {"momentum", DType::F32, {kLenetParams}, momentum.data(), kLenetParams * 4}};
    // A save replacing the file of the same name (the old blocks are freed).
    const std::string path = dir + "/lenet5.ckpt";
    std::vector<double> ms;
    for (int r = 1; r <= kLenetRuns; ++r) ms.push_back(1e3 * seconds([&] { ckpt_save(path, views, meta); }));
    std::remove(path.c_str());
    print("ckpt_save_lenet5", "median_ms", median(ms), kLenetRuns);
}

// A header of kManyTensors empty tensors (names in descending order, as tests/test_ckpt_scale.cpp
// writes them): median seconds to save it, to open it (the header parsed and validated), and to
// verify it (every CRC). Each took 20-40 s when a pass was quadratic in the tensor count.
void bench_many_tensors(const std::string& dir, int runs) {
    const float values[3] = {1, 2, 3};
    std::vector<std::string> names;
    for (int i = kManyTensors - 1; i >= 0; --i) names.push_back("t" + std::to_string(1000000 + i));
    std::vector<CkptTensorView> views{{"weights", DType::F32, {3}, values, sizeof values}};
    for (const std::string& name : names) views.push_back({name, DType::F32, {0}, nullptr, 0});
    const std::string path = dir + "/many.ckpt";
    std::vector<double> save, open, verify;
    for (int r = 0; r < runs; ++r) {
        std::remove(path.c_str());
        save.push_back(seconds([&] { ckpt_save(path, views, {{"note", "bench"}}); }));
        open.push_back(seconds([&] {
            const CkptReader reader(path);
            if (reader.tensors().size() != views.size()) throw Error(path + ": tensors lost on reading");
        }));
        verify.push_back(seconds([&] {
            if (!ckpt_verify(path, CkptValues::kFinite).empty()) throw Error(path + ": verify failed");
        }));
    }
    std::remove(path.c_str());
    std::cout << nlohmann::json{{"bench", "ckpt_many_tensors"}, {"tensors", views.size()},
                                {"save_s", median(save)}, {"open_s", median(open)},
                                {"verify_s", median(verify)}, {"runs", runs}}.dump()
              << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp";
    const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    try {
        if (runs < 1) throw usage_error("bench_ckpt: RUNS must be >= 1");
        bench_big(dir, runs);
        bench_lenet(dir);
        bench_many_tensors(dir, runs);
    } catch (const Error& e) {
        std::cerr << "bench_ckpt: error: " << e.what() << "\n";
        return e.exit_code();
    }
    return 0;
}
