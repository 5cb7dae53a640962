// Finding the four MNIST files (flat or train/ + test/, raw or .gz) and loading a split.
#include "core/data/mnist.hpp"

#include <filesystem>
#include <utility>

#include "core/error.hpp"
#include "core/path_kind.hpp"

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

// try_dir, then DIR/SUB (`--data data` finds what scripts/get-mnist.sh put in data/mnist);
// "" when found, else why not for both. A missing DIR has no DIR/SUB to look at.
std::string try_dir_or_sub(const std::string& dir, const std::string& sub_name, MnistFiles& files) {
    const std::string why = try_dir(dir, files);
    if (why.empty() || !is_dir(dir)) return why;
    const std::string sub = (fs::path(dir) / sub_name).string();
    const std::string why_sub = try_dir(sub, files);
    return why_sub.empty() ? "" : why + "; " + sub + ": " + why_sub;
}

}  // namespace

std::string find_mnist_in(const std::string& dir, const std::string& also_sub, MnistFiles& files) {
    return also_sub.empty() ? try_dir(dir, files) : try_dir_or_sub(dir, also_sub, files);
}

LabeledImages load_mnist_split(const MnistFiles& files, const std::string& split, bool pack) {
    if (split == "train") return read_idx_pair(files.train_images, files.train_labels, pack);
    if (split == "test") return read_idx_pair(files.test_images, files.test_labels, pack);
    throw usage_error("MNIST split: expected \"train\" or \"test\", found \"" + split + "\"");
}

}  // namespace trainctl
