// Small string helpers shared by every module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

// Removes leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view s);

// Splits on `sep`, trims each piece and drops empty pieces ("a, b,,c" -> a b c).
std::vector<std::string> SplitList(std::string_view s, char sep = ',');

// ASCII case folding and comparison (config values, HTTP header names, URL schemes).
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix);

// The whole content of a file. NotFound when it does not exist, PermissionDenied when it
// may not be read, IOError otherwise; messages name the path.
Result<std::string> ReadFile(const std::string& path);

// Random lowercase hex string of `n` characters (for instance ids, temp names).
std::string RandomHex(size_t n);

}  // namespace tributary
