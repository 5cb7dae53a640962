// Listing a split's class folders in byte order, decoding each image once, and settling on one
// image size for the split (the LabeledImages the trainer batches hold a single size).
#include "core/data/image_folder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "core/data/batch.hpp"
#include "core/data/image_read.hpp"
#include "core/error.hpp"
#include "core/split_threads.hpp"

namespace trainctl {
namespace fs = std::filesystem;

namespace {

// Labels are uint8.
constexpr std::size_t kMaxClasses = 256;

// The entries of `dir` (names only), sorted by byte order; Error naming the folder when it cannot be listed.
std::vector<fs::directory_entry> sorted_entries(const std::string& dir) {
    std::vector<fs::directory_entry> out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) out.push_back(*it);
    if (ec) throw Error(dir + ": cannot list the folder: " + ec.message());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    return out;
}

bool is_folder(const fs::directory_entry& e) {
    std::error_code ec;
    return e.is_directory(ec);  // a link to a folder is a folder, as os.walk(followlinks) would have it
}

// The image as the split keeps it: resized now when it can never stay as it is (larger than the
// net's input), so memory stays bounded by the input size.
GreyImage resized(const GreyImage& im, std::size_t size) {
    const InputSpec unit{size, /*mean=*/0.0f, /*std=*/1.0f};  // resize only: values x/255
    std::vector<float> v(size * size);
    BatchMaker(unit, im.height, im.width).transform(im.pixels.data(), v.data());
    GreyImage out{size, size, std::vector<std::uint8_t>(size * size)};
    for (std::size_t i = 0; i < v.size(); ++i)
        out.pixels[i] = static_cast<std::uint8_t>(std::lround(std::clamp(v[i], 0.0f, 1.0f) * 255));
    return out;
}

// Files are decoded on up to this many threads, each given at least kFilesPerThread.
constexpr std::size_t kMaxDecodeThreads = 8;
constexpr std::size_t kFilesPerThread = 64;

// Every file decoded (and shrunk when larger than the input: memory stays bounded by the
// input size), split over the cores in contiguous ranges. With skip_bad a failed file leaves an
// empty image and its error in `bad`; otherwise the first failure (in file order) is thrown
// after the threads join.
std::vector<GreyImage> decode_all(const std::vector<std::string>& files, const ImageFolderOptions& opt,
                                  std::vector<std::string>& bad) {
    const std::size_t n = files.size();
    std::vector<GreyImage> out(n);
    bad.assign(n, "");
    run_split(n, split_thread_count(n, kMaxDecodeThreads, kFilesPerThread), [&](std::size_t k) {
        try {
            GreyImage im = read_grey_image(files[k]);
            out[k] = im.width * im.height > opt.size * opt.size ? resized(im, opt.size) : std::move(im);
        } catch (const Error& e) {  // a bad file; anything else (out of memory) is never skipped
            if (!opt.skip_bad) throw;
            bad[k] = e.what();
        }
    });
    return out;
}

}  // namespace

bool is_image_file_name(const std::string& name) {
    if (name.size() < 5 || name[0] == '.') return false;  // hidden files (.DS_Store, ._x.png) are not images
    std::string ext = name.substr(name.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".png" || ext == ".pgm";
}

std::vector<std::string> image_folder_classes(const std::string& split_dir) {
    std::vector<std::string> classes;
    for (const auto& e : sorted_entries(split_dir)) {
        const std::string name = e.path().filename().string();
        if (name[0] != '.' && is_folder(e)) classes.push_back(name);
    }
    if (classes.empty())
        throw Error(split_dir + ": no class folders, expected one folder per class (" + split_dir +
                    "/<class>/*.png), as torchvision's ImageFolder");
    if (classes.size() > kMaxClasses)
        throw Error(split_dir + ": " + std::to_string(classes.size()) + " class folders, expected at most " +
                    std::to_string(kMaxClasses));
    return classes;
}

std::vector<std::uint8_t> image_folder_labels(const std::string& split_dir) {
    std::vector<std::uint8_t> labels;
    const std::vector<std::string> classes = image_folder_classes(split_dir);
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (const auto& e : sorted_entries((fs::path(split_dir) / classes[c]).string()))
            if (!is_folder(e) && is_image_file_name(e.path().filename().string()))
                labels.push_back(static_cast<std::uint8_t>(c));
    return labels;
}

ImageFolderSplit load_image_folder_split(const std::string& split_dir, const std::vector<std::string>& classes,
                                         const ImageFolderOptions& opt) {
    ImageFolderSplit out;
    out.per_class.assign(classes.size(), 0);
    std::vector<std::uint8_t> listed_labels;
    for (const std::string& name : image_folder_classes(split_dir)) {
        const std::string class_dir = (fs::path(split_dir) / name).string();
        const auto it = std::find(classes.begin(), classes.end(), name);
        if (it == classes.end())
            throw Error(class_dir + ": class \"" + name + "\" is not one of the " + std::to_string(classes.size()) +
                        " training classes (the net only learns classes with a folder in train/): add it to train/ "
                        "or remove this folder");
        const auto label = static_cast<std::uint8_t>(it - classes.begin());
        for (const auto& e : sorted_entries(class_dir)) {
            const std::string file = e.path().string();
            const std::string base = e.path().filename().string();
            if (base[0] == '.') continue;  // hidden: .DS_Store, editors' files
            if (is_folder(e) || !is_image_file_name(base)) {
                out.not_images.push_back(file + (is_folder(e) ? "/" : ""));
                continue;
            }
            out.files.push_back(file);
            listed_labels.push_back(label);
        }
    }
    std::vector<std::string> bad;
    std::vector<GreyImage> decoded = decode_all(out.files, opt, bad);
    // Decoded in order; a file that failed is left out (skip_bad) or reported, the first one first.
    std::vector<GreyImage> images;
    std::vector<std::uint8_t> labels;
    std::vector<std::string> files;
    for (std::size_t k = 0; k < decoded.size(); ++k) {
        if (!bad[k].empty()) {
            if (out.skipped_bad++ == 0) out.first_bad = bad[k];
            continue;
        }
        images.push_back(std::move(decoded[k]));
        labels.push_back(listed_labels[k]);
        files.push_back(std::move(out.files[k]));
        ++out.per_class[listed_labels[k]];
    }
    out.files = std::move(files);
    if (images.empty())
        throw Error(split_dir + ": no readable .png or .pgm images in its class folders" +
                    (out.skipped_bad ? " (" + std::to_string(out.skipped_bad) + " bad files skipped)" : std::string()));
    // One size for the split: the common one when there is one, else the net's input size.
    std::vector<std::pair<std::size_t, std::size_t>> sizes;
    for (const GreyImage& im : images)
        if (std::find(sizes.begin(), sizes.end(), std::make_pair(im.height, im.width)) == sizes.end())
            sizes.emplace_back(im.height, im.width);
    out.sizes = sizes.size();
    LabeledImages& d = out.data;
    d.count = images.size();
    d.rows = sizes.size() == 1 ? sizes[0].first : opt.size;
    d.cols = sizes.size() == 1 ? sizes[0].second : opt.size;
    d.images.resize(d.count * d.rows * d.cols);
    d.labels = std::move(labels);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const GreyImage& im = (images[i].height == d.rows && images[i].width == d.cols) ? images[i] : resized(images[i], opt.size);
        std::copy(im.pixels.begin(), im.pixels.end(), d.images.begin() + static_cast<long>(i * d.rows * d.cols));
    }
    return out;
}

void resize_images(LabeledImages& set, std::size_t size) {
    if (set.rows == size && set.cols == size) return;
    std::vector<std::uint8_t> out(set.count * size * size);
    GreyImage im{set.cols, set.rows, {}};
    for (std::size_t i = 0; i < set.count; ++i) {
        im.pixels.assign(set.image(i), set.image(i) + set.rows * set.cols);
        const GreyImage r = resized(im, size);
        std::copy(r.pixels.begin(), r.pixels.end(), out.begin() + static_cast<long>(i * size * size));
    }
    set.images = std::move(out);
    set.rows = set.cols = size;
}

}  // namespace trainctl
