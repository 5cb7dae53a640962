// The lookup order of each data set and its messages; core/data/mnist.cpp judges each folder.
#include "cmd/run/data_lookup.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "cmd/run/binary_repo.hpp"
#include "core/data/image_folder.hpp"
#include "core/error.hpp"
#include "core/path_kind.hpp"

namespace trainctl {
namespace {

namespace fs = std::filesystem;

// Where Debian's dataset-fashion-mnist package installs the four .gz files.
constexpr const char* kDebianFashionDir = "/usr/share/datasets/fashion-mnist";

struct DataCandidate {
    std::string dir;
    std::string how;     // "$TRAINCTL_DATA=" for messages
    std::string sub;     // also try DIR/<sub> (folders a user named); "" not
    std::string note;    // "the binary's repository: " for messages
};

// What differs between the sets: the subfolder scripts put them in, their variable, their script.
struct DatasetPlaces {
    const char* sub;      // data/<sub> under the working directory and the repository
    const char* env;      // the set's own variable, after $TRAINCTL_DATA
    const char* fetch;    // what to run when nothing is found
};

DatasetPlaces places_of(const std::string& dataset) {
    if (dataset == "fashion-mnist")
        return {"fashion-mnist", "TRAINCTL_FASHION_MNIST", "scripts/get-data.sh fashion-mnist"};
    return {"mnist", "TRAINCTL_MNIST", "scripts/get-mnist.sh"};
}

std::vector<DataCandidate> default_candidates(const std::string& dataset) {
    const DatasetPlaces places = places_of(dataset);
    const std::string sub = places.sub;
    std::vector<DataCandidate> candidates;
    if (const char* env = std::getenv("TRAINCTL_DATA"); env && *env)
        candidates.push_back({env, "$TRAINCTL_DATA=", sub, ""});
    // The variable the test suite and scripts/get-mnist.sh use for the same folder.
    if (const char* env = std::getenv(places.env); env && *env)
        candidates.push_back({env, std::string("$") + places.env + "=", sub, ""});
    candidates.push_back({"data/" + sub, "", "", ""});
    if (dataset == "mnist") candidates.push_back({"MNIST_Data", "", "", ""});
    // Where the fetch scripts put the data, found from any working directory.
    if (const std::string repo = binary_repo_dir(); !repo.empty()) {
        const fs::path repo_data = fs::path(repo) / "data" / sub;
        std::error_code ec1, ec2;  // equal when run from the repository: already listed
        if (fs::weakly_canonical(repo_data, ec1) != fs::weakly_canonical("data/" + sub, ec2) || ec1 || ec2)
            candidates.push_back({repo_data.string(), "", "", "the binary's repository: "});
    }
    if (dataset == "fashion-mnist") candidates.push_back({kDebianFashionDir, "", "", "Debian's dataset-fashion-mnist: "});
    return candidates;
}

// DIR/train holding class folders: torchvision's ImageFolder layout.
bool looks_like_image_folder(const std::string& dir) {
    std::error_code ec;
    fs::directory_iterator it(fs::path(dir) / "train", ec), end;
    for (; !ec && it != end; it.increment(ec))
        if (it->path().filename().string()[0] != '.' && it->is_directory(ec)) return true;
    return false;
}

// Folders a data folder may hold that are not classes: where the fetch scripts put the IDX sets.
bool is_data_subfolder(const std::string& name) { return name == "mnist" || name == "fashion-mnist"; }

// torchvision's one-tree layout, DIR/<class>/*.png without train/ and test/: DIR has no train/
// and a class folder holds an image (a folder of unrelated folders stays "no data here").
bool looks_like_one_tree(const std::string& dir) {
    if (is_dir(fs::path(dir) / "train")) return false;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name[0] == '.' || is_data_subfolder(name) || !it->is_directory(ec)) continue;
        std::error_code ec2;
        fs::directory_iterator file(it->path(), ec2);
        for (; !ec2 && file != end; file.increment(ec2))
            if (is_image_file_name(file->path().filename().string())) return true;
    }
    return false;
}

// A folder of folders with no image in them: what an image folder would have to look like; ""
// for any other folder (none at all, or only where the fetch scripts put the IDX sets).
std::string image_folder_hint(const std::string& dir) {
    std::string names;
    std::size_t count = 0;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name[0] == '.' || is_data_subfolder(name) || !it->is_directory(ec)) continue;
        if (count++ < 3) names += (names.empty() ? "" : ", ") + name;
    }
    if (count == 0) return "";
    return "; " + dir + " holds folders (" + names + (count > 3 ? ", ..." : "") +
           ") but no .png or .pgm images in them: an image folder is DIR/<class>/*.png, or DIR/train/<class>/ and "
           "DIR/test/<class>/ (docs/data.md)";
}

// An image folder named by --data (or stored by a run): both splits must be there.
MnistFiles image_folder_files(const std::string& dir, const std::string& flag, const std::string& dataset) {
    if (dataset != "mnist")
        throw usage_error(flag + dir + ": an image folder (train/<class>/), not the IDX files of --dataset " + dataset +
                          "; drop --dataset to train on the folder's classes");
    MnistFiles files;
    files.dir = dir;
    files.image_root = dir;
    const fs::path test = fs::path(dir) / "test";
    if (!is_dir(fs::path(dir) / "train")) {
        // A test/ beside class folders is a misplaced split, not a class named "test".
        if (is_dir(test))
            throw usage_error(flag + dir + ": image folder has test/ but no train/: expected " + dir +
                              "/train/<class>/ beside it, or one tree " + dir + "/<class>/ with no test/ (docs/data.md)");
        files.one_tree = true;
        return files;
    }
    if (!is_dir(test))
        throw usage_error(flag + dir + ": image folder has train/ but no test/: expected " + test.string() +
                          "/<class>/ with held-out images of the same classes, or move the class folders up into " +
                          dir + " and hold out images with --val-split F (docs/data.md)");
    return files;
}

}  // namespace

const std::vector<std::string>& fashion_mnist_class_names() {
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

MnistFiles locate_mnist(const std::string& data_flag, const std::string& last_resort, const std::string& dataset) {
    const DatasetPlaces places = places_of(dataset);
    const std::vector<std::string> names = dataset == "fashion-mnist" ? fashion_mnist_class_names() : std::vector<std::string>{};
    MnistFiles files;
    if (!data_flag.empty()) {
        std::string why = find_mnist_in(data_flag, places.sub, files);
        if (!why.empty() && (looks_like_image_folder(data_flag) || looks_like_one_tree(data_flag)))
            return image_folder_files(data_flag, "--data ", dataset);
        if (!why.empty())
            throw usage_error("--data " + data_flag + ": no " + (dataset == "mnist" ? "MNIST" : dataset) +
                              " data: " + why + "; run " + places.fetch + image_folder_hint(data_flag));
        files.class_names = names;
        return files;
    }
    std::vector<DataCandidate> candidates = default_candidates(dataset);
    if (!last_resort.empty()) {
        if ((looks_like_image_folder(last_resort) || looks_like_one_tree(last_resort)) &&
            !find_mnist_in(last_resort, "", files).empty())
            return image_folder_files(last_resort, "the folder the run trained on: ", dataset);
        candidates.push_back({last_resort, "", places.sub, "the folder the run trained on: "});
    }
    std::string looked;
    for (const DataCandidate& c : candidates) {
        std::string why = find_mnist_in(c.dir, c.sub, files);
        if (why.empty()) {
            files.class_names = names;
            return files;
        }
        looked += (looked.empty() ? "" : ", ") + c.how + c.dir + " (" + c.note + why + ")";
    }
    const std::string env = std::string("$") + places.env;
    throw Error("no " + std::string(dataset == "mnist" ? "MNIST" : dataset) + " data found; looked in " + looked +
                "; run " + places.fetch + ", pass --data DIR or set " + env);
}

}  // namespace trainctl
