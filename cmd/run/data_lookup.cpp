// The MNIST lookup order and its messages; core/data/mnist.cpp judges each folder.
#include "cmd/run/data_lookup.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "cmd/run/binary_repo.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

namespace fs = std::filesystem;

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
        std::string why = find_mnist_in(data_flag, /*also_mnist=*/true, files);
        if (!why.empty())
            throw usage_error("--data " + data_flag + ": no MNIST data: " + why +
                              "; run scripts/get-mnist.sh");
        return files;
    }
    std::vector<DataCandidate> candidates = default_candidates();
    if (!last_resort.empty()) candidates.push_back({last_resort, "", true, "the folder the run trained on: "});
    std::string looked;
    for (const DataCandidate& c : candidates) {
        std::string why = find_mnist_in(c.dir, c.also_mnist, files);
        if (why.empty()) return files;
        looked += (looked.empty() ? "" : ", ") + c.how + c.dir + " (" + c.note + why + ")";
    }
    throw Error("no MNIST data found; looked in " + looked +
                "; run scripts/get-mnist.sh, pass --data DIR or set $TRAINCTL_MNIST");
}

}  // namespace trainctl
