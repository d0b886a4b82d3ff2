// Base64 (RFC 4648 §4: the standard alphabet, with padding), shared by every module that
// encodes bytes into text: JSON and CSV writers, S3 headers (Content-MD5, checksums,
// SSE-C keys).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary {

// Appends the base64 of `bytes` to `out`.
void AppendBase64(std::string_view bytes, std::string* out);

std::string Base64Encode(std::string_view bytes);

// Decodes padded standard base64; nullopt for anything else (wrong length, characters
// outside the alphabet, misplaced padding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace tributary
