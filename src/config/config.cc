#include "config/config.h"

#include <cstdlib>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "common/strings.h"
#include "config/config_providers.h"

namespace tributary {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  s = Trim(s);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  s = Trim(s);
  if (EqualsIgnoreCase(s, "true")) return true;
  if (EqualsIgnoreCase(s, "false")) return false;
  return std::nullopt;
}

std::string Expected(const ConfigKey& key) {
  if (!key.expected.empty()) return key.expected;
  switch (key.type) {
    case ConfigType::kInt:
    case ConfigType::kLong:
      if (key.min != INT64_MIN && key.max != INT64_MAX &&
          !(key.type == ConfigType::kInt && key.max == INT32_MAX)) {
        return fmt::format("an integer in [{}, {}]", key.min, key.max);
      }
      if (key.min != INT64_MIN) return fmt::format("an integer >= {}", key.min);
      return "an integer";
    case ConfigType::kBool:
      return "true or false";
    case ConfigType::kList:
      return "a comma-separated list";
    default:
      if (!key.allowed.empty()) {
        std::string out = "one of ";
        for (size_t i = 0; i < key.allowed.size(); ++i) {
          out += (i ? ", " : "") + key.allowed[i];
        }
        return out;
      }
      return "a string";
  }
}

Status ValidateValue(const ConfigKey& key, const std::string& value) {
  auto bad = [&] {
    return InvalidArgument("{}: expected {}, got '{}'", key.name, Expected(key),
                           key.type == ConfigType::kPassword ? "[hidden]" : value);
  };
  switch (key.type) {
    case ConfigType::kInt:
    case ConfigType::kLong: {
      auto v = ParseInt(value);
      int64_t lo = key.min, hi = key.max;
      if (key.type == ConfigType::kInt) {
        lo = std::max<int64_t>(lo, INT32_MIN);
        hi = std::min<int64_t>(hi, INT32_MAX);
      }
      if (!v || *v < lo || *v > hi) return bad();
      break;
    }
    case ConfigType::kBool:
      if (!ParseBool(value)) return bad();
      break;
    default:
      if (!key.allowed.empty()) {
        std::string_view t = Trim(value);
        bool found = std::any_of(key.allowed.begin(), key.allowed.end(),
                                 [&](const std::string& a) { return EqualsIgnoreCase(a, t); });
        if (!found) return bad();
      }
  }
  return Status::OK();
}

}  // namespace

std::string_view ConfigTypeName(ConfigType type) {
  switch (type) {
    case ConfigType::kString:
      return "string";
    case ConfigType::kInt:
      return "int";
    case ConfigType::kLong:
      return "long";
    case ConfigType::kBool:
      return "boolean";
    case ConfigType::kList:
      return "list";
    case ConfigType::kPassword:
      return "password";
  }
  return "?";
}

bool LooksSecret(std::string_view key) {
  const std::string lower = ToLower(key);
  for (const char* word : {"password", "secret", "token", "sasl.jaas", "key.pem", "credentials",
                           "user.info", "private"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

ConfigTable::ConfigTable(std::vector<ConfigKey> keys) : keys_(std::move(keys)) {}

const ConfigKey* ConfigTable::Find(std::string_view name) const {
  for (const auto& k : keys_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string ConfigTable::ToMarkdown(std::string_view title, std::string_view intro) const {
  std::string out = fmt::format("# {}\n\n{}\n", title, intro);
  std::vector<std::string> groups;
  for (const auto& k : keys_) {
    if (std::find(groups.begin(), groups.end(), k.group) == groups.end()) {
      groups.push_back(k.group);
    }
  }
  for (const auto& g : groups) {
    out += fmt::format(
        "\n## {}\n\n| key | type | default | valid values | description |\n"
        "|---|---|---|---|---|\n",
        g);
    for (const auto& k : keys_) {
      if (k.group != g) continue;
      std::string def = k.default_value
                            ? (k.default_value->empty() ? "\"\"" : "`" + *k.default_value + "`")
                            : "required";
      std::string doc = k.doc;
      std::replace(doc.begin(), doc.end(), '\n', ' ');
      std::string expected = Expected(k);
      // Escape pipes so tables stay tables.
      for (std::string* s : {&doc, &expected, &def}) {
        for (size_t p = 0; (p = s->find('|', p)) != std::string::npos; p += 2)
          s->replace(p, 1, "\\|");
      }
      out += fmt::format("| `{}` | {} | {} | {} | {} |\n", k.name, ConfigTypeName(k.type), def,
                         expected, doc);
    }
  }
  return out;
}

Result<RawConfig> ParseProperties(std::string_view text) {
  RawConfig out;
  // Join logical lines (a line ending in an odd number of backslashes continues).
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    // Leading whitespace is skipped (also on continuation lines); trailing whitespace
    // belongs to the value, as in java.util.Properties.
    size_t lead = line.find_first_not_of(" \t\f");
    std::string_view trimmed = lead == std::string_view::npos ? "" : line.substr(lead);
    if (!continuing && (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == '!')) {
      continue;
    }
    size_t backslashes = 0;
    while (backslashes < trimmed.size() && trimmed[trimmed.size() - 1 - backslashes] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 1) {
      current.append(trimmed.substr(0, trimmed.size() - 1));
      continuing = true;
      continue;
    }
    current.append(trimmed);
    lines.push_back(std::move(current));
    current.clear();
    continuing = false;
  }
  if (!current.empty()) lines.push_back(std::move(current));

  auto unescape = [](std::string_view s) -> Result<std::string> {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 == s.size()) {
        r += s[i];
        continue;
      }
      char c = s[++i];
      switch (c) {
        case 't':
          r += '\t';
          break;
        case 'n':
          r += '\n';
          break;
        case 'r':
          r += '\r';
          break;
        case 'f':
          r += '\f';
          break;
        case 'u': {
          if (i + 4 >= s.size()) return InvalidArgument("bad \\u escape");
          unsigned cp = 0;
          auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 5, cp, 16);
          if (ec != std::errc() || p != s.data() + i + 5) {
            return InvalidArgument("bad \\u escape");
          }
          i += 4;
          // Encode as UTF-8 (BMP only, as Java's Properties does).
          if (cp < 0x80) {
            r += static_cast<char>(cp);
          } else if (cp < 0x800) {
            r += static_cast<char>(0xC0 | (cp >> 6));
            r += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            r += static_cast<char>(0xE0 | (cp >> 12));
            r += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            r += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default:
          r += c;  // \\, \=, \:, \#, \! and any other escaped character
      }
    }
    return r;
  };

  for (const auto& line : lines) {
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') break;
      ++i;
    }
    std::string_view key_raw = std::string_view(line).substr(0, std::min(i, line.size()));
    std::string_view rest = i < line.size() ? std::string_view(line).substr(i) : "";
    // Skip whitespace, then at most one '=' or ':', then whitespace.
    size_t j = 0;
    while (j < rest.size() && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\f')) ++j;
    if (j < rest.size() && (rest[j] == '=' || rest[j] == ':')) ++j;
    while (j < rest.size() && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\f')) ++j;
    // Errors name the key, never the value: it may be a secret.
    auto key = unescape(key_raw);
    if (!key.ok())
      return key.status().WithContext(fmt::format("line '{}...'", key_raw.substr(0, 40)));
    auto value = unescape(rest.substr(j));
    if (!value.ok()) return value.status().WithContext(fmt::format("value of '{}'", *key));
    out[*key] = *value;
  }
  return out;
}

Result<RawConfig> ParseConnectJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err) {
    return InvalidArgument("config is not valid JSON: {}", simdjson::error_message(err));
  }
  simdjson::dom::object root;
  if (doc.get(root)) return InvalidArgument("config JSON must be an object");
  RawConfig out;
  simdjson::dom::object config = root;
  simdjson::dom::element inner;
  if (!root.at_key("config").get(inner)) {
    if (inner.get(config)) return InvalidArgument("config JSON: \"config\" must be an object");
    std::string_view name;
    if (!root.at_key("name").get(name)) out["name"] = std::string(name);
  }
  for (auto [k, v] : config) {
    std::string key(k);
    std::string_view s;
    if (!v.get(s)) {
      out[key] = std::string(s);
    } else if (v.is_null()) {
      continue;
    } else if (v.is_object() || v.is_array()) {
      return InvalidArgument("config JSON: value of '{}' must be a string, number or boolean", key);
    } else {
      out[key] = simdjson::minify(v);
    }
  }
  return out;
}

Result<RawConfig> ReadConfigFile(const std::string& path, std::set<std::string>* from_providers) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("config file '{}' cannot be read", path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string_view t = Trim(text);
  auto parsed = !t.empty() && t.front() == '{' ? ParseConnectJson(text) : ParseProperties(text);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  // A connector JSON copied from Connect's REST API has no worker keys: the Kafka
  // cluster comes from the environment then, as Confluent's Connect image reads it.
  if (!parsed->count("bootstrap.servers")) {
    if (const char* env = std::getenv("CONNECT_BOOTSTRAP_SERVERS"); env != nullptr && *env) {
      (*parsed)["bootstrap.servers"] = env;
    }
  }
  auto resolved = ResolveConfigProviders(*parsed);
  if (!resolved.ok()) return resolved.status().WithContext(path);
  if (from_providers) {
    for (const auto& [k, v] : *resolved) {
      auto it = parsed->find(k);
      if (it != parsed->end() && it->second != v) from_providers->insert(k);
    }
  }
  return resolved;
}

Result<Config> Config::Parse(const ConfigTable& table, RawConfig raw) {
  std::vector<std::string> problems;
  for (const auto& key : table.keys()) {
    auto it = raw.find(key.name);
    if (it == raw.end()) {
      if (!key.default_value) {
        problems.push_back(fmt::format("{}: required, expected {}", key.name, Expected(key)));
      }
      continue;
    }
    Status st = ValidateValue(key, it->second);
    if (!st.ok()) problems.push_back(st.message());
  }
  if (!problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    return InvalidArgument("{}", msg);
  }
  return Config(&table, std::move(raw));
}

const std::string& Config::Lookup(std::string_view name) const {
  static const std::string kEmpty;
  auto it = raw_.find(std::string(name));
  if (it != raw_.end()) return it->second;
  const ConfigKey* key = table_->Find(name);
  assert(key != nullptr && "config key not declared in the table");
  if (key == nullptr || !key->default_value) return kEmpty;
  return *key->default_value;
}

std::string Config::GetString(std::string_view name) const {
  return std::string(Trim(Lookup(name)));
}
int32_t Config::GetInt(std::string_view name) const {
  return static_cast<int32_t>(ParseInt(Lookup(name)).value_or(0));
}
int64_t Config::GetLong(std::string_view name) const { return ParseInt(Lookup(name)).value_or(0); }
bool Config::GetBool(std::string_view name) const {
  return ParseBool(Lookup(name)).value_or(false);
}
std::vector<std::string> Config::GetList(std::string_view name) const {
  return SplitList(Lookup(name));
}
std::string Config::GetPassword(std::string_view name) const { return Lookup(name); }

std::vector<std::string> Config::UnknownKeys(const std::vector<std::string>& known_prefixes) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : raw_) {
    if (table_->Find(k)) continue;
    bool claimed = std::any_of(known_prefixes.begin(), known_prefixes.end(),
                               [&](const std::string& p) { return k.rfind(p, 0) == 0; });
    if (!claimed) out.push_back(k);
  }
  return out;
}

std::map<std::string, std::string> Config::WithPrefix(std::string_view prefix) const {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : raw_) {
    if (k.size() > prefix.size() && k.rfind(prefix, 0) == 0) out[k.substr(prefix.size())] = v;
  }
  return out;
}

std::string Config::ToRedactedString(const std::set<std::string>& also_hidden) const {
  std::string out;
  for (const auto& key : table_->keys()) {
    bool hidden = key.type == ConfigType::kPassword || also_hidden.count(key.name) > 0;
    std::string value = hidden && !Lookup(key.name).empty() ? "[hidden]" : Lookup(key.name);
    out += fmt::format("{} = {}\n", key.name, value);
  }
  for (const auto& [k, v] : raw_) {
    if (table_->Find(k)) continue;
    out += fmt::format("{} = {}\n", k, LooksSecret(k) ? "[hidden]" : v);
  }
  return out;
}

}  // namespace tributary
