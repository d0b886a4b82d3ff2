#include "common/strings.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace tributary {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view piece = Trim(s.substr(start, end - start));
    if (!piece.empty()) out.emplace_back(piece);
    start = end + 1;
  }
  return out;
}

std::string RandomHex(size_t n) {
  // getrandom(2), not a seeded PRNG: a PRNG's state is copied into forked children,
  // which would then produce the same "random" names as their parent and siblings.
  static const char* kHex = "0123456789abcdef";
  std::string bytes((n + 1) / 2, '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = getrandom(bytes.data() + done, bytes.size() - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // the kernel always has entropy after boot; nothing sane to do
    }
    done += static_cast<size_t>(got);
  }
  std::string out(n, '0');
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<unsigned char>(bytes[i / 2]);
    out[i] = kHex[i % 2 == 0 ? b >> 4 : b & 0xf];
  }
  return out;
}

}  // namespace tributary
