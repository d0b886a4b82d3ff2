// Configuration as one table (STYLE.md habit 8): every key Tributary reads is declared
// once with its name, type, default, valid values and documentation. Parsing,
// validation, `tributary config` and docs/CONFIGURATION.md all come from that table.
//
// Input forms: Java .properties (what Connect workers read) and Connect's REST JSON,
// `{"name": "...", "config": {...}}` or a flat `{...}` object.
//
// Validation collects every problem at once and names each key with what it expected,
// so a wrong config is fixed in one round. Keys the table does not know are kept (they
// may be passed through, e.g. `consumer.override.*`) and reported by UnknownKeys().
//
// Thread safety: ConfigTable and Config are immutable after construction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

enum class ConfigType { kString, kInt, kLong, kBool, kList, kPassword };

std::string_view ConfigTypeName(ConfigType type);

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  std::optional<std::string> default_value;  // nullopt: the key is required
  std::string group;                         // for docs: "Connector", "S3", ...
  std::string doc;
  // Numeric range, inclusive (kInt, kLong).
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
  // Accepted values for enumerated strings, compared case-insensitively. For class
  // names, aliases are listed too (the short and the fully qualified name).
  std::vector<std::string> allowed;
  // Says what is expected, for errors ("an integer >= 1"); derived when empty.
  std::string expected;
};

class ConfigTable {
 public:
  explicit ConfigTable(std::vector<ConfigKey> keys);
  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* Find(std::string_view name) const;

  // The table as a Markdown document, grouped, for docs/CONFIGURATION.md.
  std::string ToMarkdown(std::string_view title, std::string_view intro) const;

 private:
  std::vector<ConfigKey> keys_;
};

// Raw key/value pairs as read from a file, in file order of first appearance.
using RawConfig = std::map<std::string, std::string>;

// Parses Java .properties text: comments (# !), separators (= : whitespace), line
// continuations, and the escapes \t \n \r \f \\ \uXXXX.
Result<RawConfig> ParseProperties(std::string_view text);

// Parses Connect's JSON form. Non-string scalar values become their JSON text.
Result<RawConfig> ParseConnectJson(std::string_view text);

// Reads a file in either form: JSON when its first non-blank character is '{'. Config
// provider references (`${file:...}`, `${env:...}`, `${directory:...}`) are resolved
// (config_providers.h); the keys whose values came from a provider are added to
// `from_providers` when given, so printers can hide them. Without `bootstrap.servers`,
// the environment variable CONNECT_BOOTSTRAP_SERVERS supplies it (a Connect REST
// connector document holds no worker keys).
Result<RawConfig> ReadConfigFile(const std::string& path,
                                 std::set<std::string>* from_providers = nullptr);

// A validated configuration: every key of the table has a value (given or default).
class Config {
 public:
  // Validates `raw` against `table`. On failure the status lists every bad key, one per
  // line.
  static Result<Config> Parse(const ConfigTable& table, RawConfig raw);

  // Trimmed of surrounding whitespace, as Kafka's ConfigDef trims strings.
  std::string GetString(std::string_view name) const;
  // Exactly as given, for values where whitespace is the point (separators).
  std::string GetRawString(std::string_view name) const { return Lookup(name); }
  int32_t GetInt(std::string_view name) const;
  int64_t GetLong(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;
  // For kPassword keys. Never log the result.
  std::string GetPassword(std::string_view name) const;

  // Keys the table does not declare and that no prefix claims, for warnings.
  std::vector<std::string> UnknownKeys(const std::vector<std::string>& known_prefixes) const;
  // Every raw key starting with `prefix`, with the prefix removed.
  std::map<std::string, std::string> WithPrefix(std::string_view prefix) const;
  // Was the key given explicitly (rather than defaulted)?
  bool IsSet(std::string_view name) const { return raw_.count(std::string(name)) > 0; }

  // Printable "key = value" lines with passwords and secret-looking keys masked, and the
  // keys in `also_hidden` (e.g. values from config providers).
  std::string ToRedactedString(const std::set<std::string>& also_hidden = {}) const;

 private:
  Config(const ConfigTable* table, RawConfig raw) : table_(table), raw_(std::move(raw)) {}
  const std::string& Lookup(std::string_view name) const;

  const ConfigTable* table_;
  RawConfig raw_;
};

// True for key names that hold secrets by convention (password, secret, token, key
// material); used to mask pass-through keys the table does not declare.
bool LooksSecret(std::string_view key);

}  // namespace tributary
