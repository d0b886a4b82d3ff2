#include "config/config_providers.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "common/strings.h"

namespace tributary {
namespace {

constexpr std::string_view kPrefix = "config.providers";

enum class ProviderKind { kFile, kEnv, kDirectory };

struct Provider {
  ProviderKind kind;
  std::vector<std::filesystem::path> allowed_paths;  // empty: any
  std::optional<std::regex> env_allowlist;
  std::string env_allowlist_text;
};

struct ClassName {
  std::string_view name;
  ProviderKind kind;
};
constexpr ClassName kClasses[] = {
    {"FileConfigProvider", ProviderKind::kFile},
    {"EnvVarConfigProvider", ProviderKind::kEnv},
    {"DirectoryConfigProvider", ProviderKind::kDirectory},
};
constexpr std::string_view kKafkaPackage = "org.apache.kafka.common.config.provider.";

Result<std::map<std::string, Provider>> ReadProviders(const RawConfig& raw) {
  std::map<std::string, Provider> providers;
  auto it = raw.find(std::string(kPrefix));
  if (it == raw.end()) {
    // Connect declares providers in the worker's config, so a connector config copied
    // from a deployment has references but no declarations: the conventional names
    // stand for Kafka's three providers then.
    providers.emplace("file", Provider{ProviderKind::kFile, {}, std::nullopt, {}});
    providers.emplace("env", Provider{ProviderKind::kEnv, {}, std::nullopt, {}});
    providers.emplace("directory", Provider{ProviderKind::kDirectory, {}, std::nullopt, {}});
    return providers;
  }
  for (const std::string& name : SplitList(it->second)) {
    const std::string base = std::string(kPrefix) + "." + name;
    auto cls = raw.find(base + ".class");
    if (cls == raw.end() || Trim(cls->second).empty()) {
      return InvalidArgument(
          "{}.class: config.providers lists '{}', so its class must be set (e.g. "
          "org.apache.kafka.common.config.provider.FileConfigProvider)",
          base, name);
    }
    std::string_view c = Trim(cls->second);
    if (c.size() > kKafkaPackage.size() && c.substr(0, kKafkaPackage.size()) == kKafkaPackage) {
      c.remove_prefix(kKafkaPackage.size());
    }
    const ClassName* found = nullptr;
    for (const auto& k : kClasses) {
      if (EqualsIgnoreCase(c, k.name)) found = &k;
    }
    if (!found) {
      return InvalidArgument(
          "{}.class: '{}' is not a provider Tributary has; expected FileConfigProvider, "
          "EnvVarConfigProvider or DirectoryConfigProvider",
          base, Trim(cls->second));
    }
    Provider p{found->kind, {}, std::nullopt, {}};
    if (auto ap = raw.find(base + ".param.allowed.paths"); ap != raw.end()) {
      for (const std::string& dir : SplitList(ap->second)) {
        p.allowed_paths.push_back(std::filesystem::path(dir).lexically_normal());
      }
    }
    if (auto al = raw.find(base + ".param.allowlist.pattern"); al != raw.end()) {
      try {
        p.env_allowlist.emplace(std::string(Trim(al->second)));
        p.env_allowlist_text = std::string(Trim(al->second));
      } catch (const std::regex_error& e) {
        return InvalidArgument("{}.param.allowlist.pattern: not a valid regular expression ({})",
                               base, e.what());
      }
    }
    providers.emplace(name, std::move(p));
  }
  return providers;
}

Status CheckAllowed(const Provider& p, const std::string& path) {
  if (p.allowed_paths.empty()) return Status::OK();
  const std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  for (const auto& dir : p.allowed_paths) {
    auto rel = normal.lexically_relative(dir);
    if (!rel.empty() && *rel.begin() != "..") return Status::OK();
  }
  return InvalidArgument("{} is outside param.allowed.paths", path);
}

// The value of one reference, or why it cannot be had (never containing the value).
Result<std::string> Lookup(const Provider& p, const std::string& path, const std::string& key) {
  switch (p.kind) {
    case ProviderKind::kEnv: {
      if (!path.empty()) return InvalidArgument("the env provider takes no path");
      if (p.env_allowlist && !std::regex_match(key, *p.env_allowlist)) {
        return InvalidArgument("environment variable {} does not match param.allowlist.pattern",
                               key);
      }
      const char* v = std::getenv(key.c_str());
      if (v == nullptr) return InvalidArgument("environment variable {} is not set", key);
      return std::string(v);
    }
    case ProviderKind::kFile: {
      if (path.empty())
        return InvalidArgument("the file provider needs a path: ${{file:PATH:KEY}}");
      RETURN_IF_ERROR(CheckAllowed(p, path));
      auto text = ReadFile(path);
      if (!text.ok()) return InvalidArgument("{}", text.status().message());
      auto props = ParseProperties(*text);
      if (!props.ok()) return InvalidArgument("{} is not a properties file", path);
      auto it = props->find(key);
      if (it == props->end()) return InvalidArgument("{} has no key '{}'", path, key);
      return it->second;
    }
    case ProviderKind::kDirectory: {
      if (path.empty()) {
        return InvalidArgument("the directory provider needs a path: ${{directory:DIR:FILE}}");
      }
      if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..") {
        return InvalidArgument("'{}' is not a file name in {}", key, path);
      }
      RETURN_IF_ERROR(CheckAllowed(p, path));
      const std::filesystem::path file = std::filesystem::path(path) / key;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(file, ec)) {
        return InvalidArgument("{} is not a regular file", file.string());
      }
      auto text = ReadFile(file.string());
      if (!text.ok()) return InvalidArgument("{}", text.status().message());
      return *std::move(text);
    }
  }
  return Internal("unknown provider");
}

}  // namespace

Result<RawConfig> ResolveConfigProviders(RawConfig raw) {
  ASSIGN_OR_RETURN(auto providers, ReadProviders(raw));
  std::vector<std::string> problems;
  RawConfig out;
  for (auto& [key, value] : raw) {
    if (key == kPrefix || key.rfind(std::string(kPrefix) + ".", 0) == 0) continue;
    std::string resolved;
    size_t pos = 0;
    bool ok = true;
    while (ok) {
      size_t start = value.find("${", pos);
      if (start == std::string::npos) break;
      size_t end = value.find('}', start + 2);
      if (end == std::string::npos) break;  // not a reference: kept as text
      resolved.append(value, pos, start - pos);
      const std::string ref = value.substr(start, end - start + 1);
      const std::string body = value.substr(start + 2, end - start - 2);
      // ${provider:key} or ${provider:path:key}; a path may itself hold ':' (Windows
      // drives aside, Connect splits at the first and last colon the same way).
      size_t first = body.find(':');
      if (first == std::string::npos) {
        // "${...}" without a provider is not a reference (e.g. a regex); keep it.
        resolved.append(ref);
        pos = end + 1;
        continue;
      }
      const std::string name = body.substr(0, first);
      const size_t last = body.rfind(':');
      const std::string path = last == first ? "" : body.substr(first + 1, last - first - 1);
      const std::string ref_key = body.substr(last + 1);
      auto p = providers.find(name);
      if (p == providers.end()) {
        problems.push_back(fmt::format(
            "{}: {} names config provider '{}', which config.providers does not declare", key, ref,
            name));
        ok = false;
        break;
      }
      auto v = Lookup(p->second, path, ref_key);
      if (!v.ok()) {
        problems.push_back(
            fmt::format("{}: {} cannot be resolved: {}", key, ref, v.status().message()));
        ok = false;
        break;
      }
      resolved += *v;
      pos = end + 1;
    }
    if (!ok) continue;
    resolved.append(value, pos);
    out[key] = std::move(resolved);
  }
  if (!problems.empty()) {
    std::string msg = "config provider references:";
    for (const auto& p : problems) msg += "\n  " + p;
    return InvalidArgument("{}", msg);
  }
  return out;
}

}  // namespace tributary
