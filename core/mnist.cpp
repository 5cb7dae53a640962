// Finding the four MNIST files (flat or train/ + test/, raw or .gz) and loading a split.
#include "core/mnist.hpp"

#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/binary_repo.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTrainImages = "train-images-idx3-ubyte";
constexpr const char* kTrainLabels = "train-labels-idx1-ubyte";
constexpr const char* kTestImages = "t10k-images-idx3-ubyte";
constexpr const char* kTestLabels = "t10k-labels-idx1-ubyte";

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// dir/name if present, else dir/name.gz, else empty.
std::string find_file(const fs::path& dir, const std::string& name) {
    if (is_file(dir / name)) return (dir / name).string();
    if (is_file(dir / (name + ".gz"))) return (dir / (name + ".gz")).string();
    return "";
}

// Fills the four paths from one layout; returns the first missing file, or "" when all exist.
std::string try_layout(const fs::path& train, const fs::path& test, MnistFiles& files) {
    const std::pair<fs::path, const char*> wanted[] = {
        {train, kTrainImages}, {train, kTrainLabels}, {test, kTestImages}, {test, kTestLabels}};
    std::string* out[] = {&files.train_images, &files.train_labels, &files.test_images, &files.test_labels};
    for (int i = 0; i < 4; ++i) {
        *out[i] = find_file(wanted[i].first, wanted[i].second);
        if (out[i]->empty()) return (wanted[i].first / wanted[i].second).string() + "[.gz]";
    }
    return "";
}

// Fills files from dir (flat first, then train/ + test/), or returns why not, naming a
// missing file of the layout the folder seems to use.
std::string try_dir(const std::string& dir, MnistFiles& files) {
    if (!is_dir(dir)) return "no such folder";
    files.dir = dir;
    const fs::path root(dir);
    std::string missing = try_layout(root, root, files);
    if (!missing.empty() && (is_dir(root / "train") || is_dir(root / "test")))
        missing = try_layout(root / "train", root / "test", files);
    return missing.empty() ? "" : "missing " + missing;
}

// try_dir, then DIR/mnist (`--data data` finds what scripts/get-mnist.sh put in data/mnist);
// "" when found, else why not for both. A missing DIR has no DIR/mnist to look at.
std::string try_dir_or_mnist(const std::string& dir, MnistFiles& files) {
    const std::string why = try_dir(dir, files);
    if (why.empty() || !is_dir(dir)) return why;
    const std::string sub = (fs::path(dir) / "mnist").string();
    const std::string why_sub = try_dir(sub, files);
    return why_sub.empty() ? "" : why + "; " + sub + ": " + why_sub;
}

struct DataCandidate {
    std::string dir;
    std::string how;     // "$TRAINCTL_DATA=" for messages
    bool also_mnist;     // try DIR/mnist too (folders a user named)
    std::string note;    // "the binary's repository: " for messages
};

std::vector<DataCandidate> default_candidates() {
    std::vector<DataCandidate> candidates;
    if (const char* env = std::getenv("TRAINCTL_DATA"); env && *env)
        candidates.push_back({env, "$TRAINCTL_DATA=", true, ""});
    // The variable the test suite and scripts/get-mnist.sh use for the same folder.
    if (const char* env = std::getenv("TRAINCTL_MNIST"); env && *env)
        candidates.push_back({env, "$TRAINCTL_MNIST=", true, ""});
    candidates.push_back({"data/mnist", "", false, ""});
    candidates.push_back({"MNIST_Data", "", false, ""});
    // Where scripts/get-mnist.sh puts the data, found from any working directory.
    if (const std::string repo = binary_repo_dir(); !repo.empty()) {
        const fs::path repo_data = fs::path(repo) / "data" / "mnist";
        std::error_code ec1, ec2;  // equal when run from the repository: already listed
        if (fs::weakly_canonical(repo_data, ec1) != fs::weakly_canonical("data/mnist", ec2) || ec1 || ec2)
            candidates.push_back({repo_data.string(), "", false, "the binary's repository: "});
    }
    return candidates;
}

}  // namespace

MnistFiles locate_mnist(const std::string& data_flag, const std::string& last_resort) {
    MnistFiles files;
    if (!data_flag.empty()) {
        std::string why = try_dir_or_mnist(data_flag, files);
        if (!why.empty())
            throw usage_error("--data " + data_flag + ": no MNIST data: " + why +
                              "; run scripts/get-mnist.sh");
        return files;
    }
    std::vector<DataCandidate> candidates = default_candidates();
    if (!last_resort.empty()) candidates.push_back({last_resort, "", true, "the folder the run trained on: "});
    std::string looked;
    for (const DataCandidate& c : candidates) {
        std::string why = c.also_mnist ? try_dir_or_mnist(c.dir, files) : try_dir(c.dir, files);
        if (why.empty()) return files;
        looked += (looked.empty() ? "" : ", ") + c.how + c.dir + " (" + c.note + why + ")";
    }
    throw Error("no MNIST data found; looked in " + looked +
                "; run scripts/get-mnist.sh, pass --data DIR or set $TRAINCTL_MNIST");
}

LabeledImages load_mnist_split(const MnistFiles& files, const std::string& split) {
    if (split == "train") return read_idx_pair(files.train_images, files.train_labels);
    if (split == "test") return read_idx_pair(files.test_images, files.test_labels);
    throw usage_error("MNIST split: expected \"train\" or \"test\", found \"" + split + "\"");
}

}  // namespace trainctl
