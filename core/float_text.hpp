// Floats as text: the shortest decimal that reads back as the same float (0.01f -> "0.01"),
// so printed losses compare exactly and configs print as typed.
#pragma once
#include <string>

namespace trainctl {
std::string shortest_float_text(float v);
}
