// Loading a split of IDX files or an image folder, and counting and checking classes.
#include "cmd/run/data_split.hpp"

#include <algorithm>
#include <filesystem>

#include "core/data/image_folder.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

// A few names make the point; a folder of thousands of stray files would print a page.
constexpr std::size_t kListed = 3;

std::string listed(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < kListed; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > kListed) out += " and " + std::to_string(items.size() - kListed) + " more";
    return out;
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

LoadedSplit load_folder_split(const MnistFiles& files, const std::string& split, std::vector<std::string>& classes,
                              const SplitOptions& opt) {
    // One tree: the folder is the only split, whichever is asked for (eval scores all of it).
    const std::string dir = files.one_tree ? files.image_root : (std::filesystem::path(files.image_root) / split).string();
    const bool own_classes = classes.empty();
    if (own_classes) classes = image_folder_classes(dir);
    ImageFolderSplit s;
    try {
        s = load_image_folder_split(dir, classes, {opt.size, opt.skip_bad});
    } catch (const Error& e) {
        const std::string what = e.what();
        // A file that does not decode names itself (it is under dir); folder-level problems start with dir alone.
        if (opt.skip_bad || what.rfind(dir + "/", 0) != 0 || what.find(": class \"") != std::string::npos) throw;
        throw Error(what + " (--skip-bad-images leaves out files that do not decode)", e.exit_code());
    }
    LoadedSplit out;
    out.data = std::move(s.data);
    out.labels_from = dir;
    out.per_class = s.per_class;
    out.files = std::move(s.files);
    out.skipped_bad = s.skipped_bad;
    if (s.skipped_bad)
        out.warnings.push_back("warning: " + dir + ": skipped " + plural(s.skipped_bad, "image") +
                               " that did not decode (--skip-bad-images); the first: " + s.first_bad);
    if (!s.not_images.empty())
        out.notes.push_back("note: " + dir + ": left out " + plural(s.not_images.size(), "entry") +
                            " not named *.png or *.pgm: " + listed(s.not_images));
    if (s.sizes > 1)
        out.notes.push_back("note: " + dir + ": images of " + std::to_string(s.sizes) + " sizes, each resized to " +
                            std::to_string(opt.size) + "x" + std::to_string(opt.size) + " (the net's input) as it loaded");
    std::vector<std::string> empty;
    for (std::size_t c = 0; c < classes.size(); ++c)
        if (s.per_class[c] == 0) empty.push_back(classes[c]);
    // A class with no training image cannot be learned; one missing from the test split only goes unscored.
    if (split == "train" && !empty.empty())
        throw Error(dir + "/" + empty[0] + ": no readable .png or .pgm images: a class needs training images; add some "
                    "or remove the folder");
    if (!empty.empty())
        out.notes.push_back("note: " + dir + " has no images of " + plural(empty.size(), "class") + " (" + listed(empty) +
                            "): never scored, their recall reads 0");
    return out;
}

}  // namespace

LoadedSplit load_split(const MnistFiles& files, const std::string& split, std::vector<std::string>& classes,
                       const SplitOptions& opt) {
    if (files.is_image_folder()) return load_folder_split(files, split, classes, opt);
    LoadedSplit out;
    out.data = load_mnist_split(files, split, opt.pack);
    out.labels_from = split == "train" ? files.train_labels : files.test_labels;
    return out;
}

void check_labels(const LoadedSplit& split, std::size_t classes, const std::string& whose) {
    const auto& labels = split.data.labels;
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= classes)
            throw Error(split.labels_from + ": label " + std::to_string(labels[i]) + " of image " + std::to_string(i) +
                        " is out of range for " + whose + " " + std::to_string(classes) + " classes (0-" +
                        std::to_string(classes - 1) + ")");
}

std::size_t count_classes(std::size_t wanted, const std::string& wanted_origin, const std::vector<std::string>& names,
                          const LoadedSplit& train, const LoadedSplit& test) {
    if (wanted == 1) throw usage_error(wanted_origin + ": 1 class, expected at least 2 (or 0: from the labels)");
    std::size_t classes = wanted;
    if (!names.empty()) {
        if (names.size() < 2)
            throw Error(train.labels_from + ": one class folder (" + names[0] +
                        "), expected at least 2 classes to tell apart (one folder per class)");
        if (wanted && wanted != names.size())
            throw usage_error(wanted_origin + " " + std::to_string(wanted) + ": " + train.labels_from + " has " +
                              std::to_string(names.size()) + " named classes; drop " + wanted_origin);
        classes = names.size();
    } else if (!wanted) {
        std::vector<std::size_t> count(256, 0);
        for (std::uint8_t l : train.data.labels) ++count[l];
        const auto last = static_cast<std::size_t>(std::find_if(count.rbegin(), count.rend(), [](std::size_t n) { return n > 0; }) - count.rbegin());
        classes = 256 - last;
        std::vector<std::string> missing;
        for (std::size_t c = 0; c < classes; ++c)
            if (count[c] == 0) missing.push_back(std::to_string(c));
        if (!missing.empty())
            throw Error(train.labels_from + ": labels go up to " + std::to_string(classes - 1) + " but no image has label " +
                              listed(missing) + " (labels should count 0, 1, 2, ...); pass --num-classes " +
                              std::to_string(classes) + " to train with the empty classes anyway");
        if (classes < 2)
            throw Error(train.labels_from + ": every label is " + std::to_string(classes - 1) +
                              ": one class, expected at least 2 to tell apart");
    }
    const std::string whose = wanted ? wanted_origin + " " + std::to_string(wanted) + ":" : "the training labels'";
    check_labels(train, classes, whose);
    check_labels(test, classes, whose);
    return classes;
}

std::vector<std::string> folder_classes_for(const std::vector<std::string>& names, std::size_t classes) {
    if (!names.empty()) return names;
    std::vector<std::string> numbers;
    for (std::size_t c = 0; c < classes; ++c) numbers.push_back(std::to_string(c));
    return numbers;
}

}  // namespace trainctl
