#include "common/strings.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

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

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto fail = [&](std::string_view what) -> Status {
    const int err = errno;
    if (err == ENOENT) return NotFound("{} {}: {}", what, path, std::strerror(err));
    if (err == EACCES || err == EPERM) {
      return PermissionDenied("{} {}: {}", what, path, std::strerror(err));
    }
    return IOError("{} {}: {}", what, path, std::strerror(err));
  };
  if (fd < 0) return fail("open");
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = fail("read");
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
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
