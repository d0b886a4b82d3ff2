// Small string helpers shared by every module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tributary {

// Removes leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view s);

// Splits on `sep`, trims each piece and drops empty pieces ("a, b,,c" -> a b c).
std::vector<std::string> SplitList(std::string_view s, char sep = ',');

// Random lowercase hex string of `n` characters (for instance ids, temp names).
std::string RandomHex(size_t n);

}  // namespace tributary
