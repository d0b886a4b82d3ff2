// Test helper: tests/columnar/fake_registry.py, the local Schema Registry responder (no
// real registry can run here: it is a JVM service). Only for *_test.cc.
#pragma once

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "format/test_records.h"

namespace tributary::testing_records {

inline std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t k = 0; k + 1 < hex.size(); k += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(k, 2)), nullptr, 16)));
  }
  return out;
}

class RegistryResponder {
 public:
  // Serves `schemas` (fake_registry.py's SCHEMAS_JSON), with basic auth when `credentials`
  // ("user:password") is set. False when it did not start.
  bool Start(const std::filesystem::path& source_dir, const std::string& schemas,
             const std::string& credentials = "") {
    std::string cmd = "/usr/bin/python3 " +
                      (source_dir / "tests/columnar/fake_registry.py").string() + " " + schemas +
                      (credentials.empty() ? "" : " " + credentials);
    server_ = popen(cmd.c_str(), "r");
    if (!server_) return false;
    char line[64] = {0};  // the responder prints its port, then serves
    if (!fgets(line, sizeof(line), server_)) return false;
    url_ = "http://127.0.0.1:" + std::string(line, strcspn(line, "\n"));
    return true;
  }

  ~RegistryResponder() {
    if (!server_) return;
    int rc;
    RunCommand(
        "/usr/bin/python3 -c 'import urllib.request,sys; urllib.request.urlopen(sys.argv[1])' " +
            url_ + "/shutdown >/dev/null 2>&1",
        &rc);
    pclose(server_);
  }

  const std::string& url() const { return url_; }

 private:
  FILE* server_ = nullptr;
  std::string url_;
};

}  // namespace tributary::testing_records
