// UniqueFd moved to core/ (input files are opened there too); kept so existing includes build.
#pragma once
#include "core/unique_fd.hpp"
