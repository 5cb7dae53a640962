// Expanding infer's --input values into image files: a file as it is, a folder's PNG and PGM
// files, a glob's matches, each folder or glob in byte order of its paths.
#pragma once
#include <string>
#include <vector>

namespace trainctl {

// The values in order, each expanded: an existing path other than a folder stays as given (the
// reader refuses what is not an image); a folder gives its entries named *.png or *.pgm (any
// case, not recursive); a value that names nothing but holds * ? or [ is a glob (glob(3)).
// Nothing is opened: a FIFO is only named here. Throws Error (exit 1, as for a missing file)
// for a folder with no such entry or a glob with no match, naming --input and what was expected.
std::vector<std::string> expand_image_inputs(const std::vector<std::string>& values);

// Whether a value is a folder or a glob (a batch, as opposed to a file).
bool is_batch_input(const std::string& value);

}  // namespace trainctl
