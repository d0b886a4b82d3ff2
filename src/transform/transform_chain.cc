#include "transform/transform_chain.h"

#include <algorithm>

#include "common/strings.h"
#include "schema/registry_client.h"
#include "transform/schema_codec.h"
#include "transform/transform.h"

namespace tributary {

// ---------------------------------------------------------------------------------------
// RecordSide

namespace {

bool LooksLikeJsonContainer(std::string_view text) {
  std::string_view t = Trim(text);
  return !t.empty() && (t.front() == '{' || t.front() == '[');
}

std::string_view JsonTypeName(const JsonValue& v) {
  switch (v.type()) {
    case JsonValue::Type::kNull:
      return "null";
    case JsonValue::Type::kBool:
      return "boolean";
    case JsonValue::Type::kInt:
    case JsonValue::Type::kUint:
    case JsonValue::Type::kDouble:
      return "number";
    case JsonValue::Type::kString:
      return "string";
    case JsonValue::Type::kArray:
      return "array";
    case JsonValue::Type::kObject:
      return "object";
  }
  return "?";
}

}  // namespace

Result<ConnectData*> RecordSide::Data() {
  if (parsed_) return &data_;
  data_ = ConnectData();
  if (raw_ && conv_->format == DataFormat::kSchemaCodec) {
    Status st = conv_->codec->Decode(*raw_, &decoded_);
    if (!st.ok()) {
      return Status(st.code(),
                    fmt::format("{} ({}): {}", what_, conv_->codec->name(), st.message()));
    }
    data_.has_schema = true;
    data_.schema = conv_->codec->ConnectSchema(decoded_.schema);
    data_.value = ConnectValue(*decoded_.schema, decoded_.value);
  } else if (raw_) {
    if (conv_->format == DataFormat::kJson ||
        (conv_->format == DataFormat::kString && LooksLikeJsonContainer(*raw_))) {
      auto parsed = JsonValue::Parse(*raw_);
      if (!parsed.ok() && conv_->format == DataFormat::kString) {
        // Text that merely starts like JSON stays text.
        data_.value = JsonValue::String(std::string(*raw_));
        parsed_ = true;
        return &data_;
      }
      if (!parsed.ok()) {
        return InvalidArgument("{} is {}", what_, parsed.status().message());
      }
      JsonValue v = std::move(parsed).value();
      const bool envelope_shape = v.is_object() && v.object().size() == 2 &&
                                  v.Find("schema") != nullptr && v.Find("payload") != nullptr;
      if (conv_->format == DataFormat::kJson && conv_->schemas == SchemasEnable::kOn &&
          !envelope_shape) {
        return InvalidArgument(
            "{}: JsonConverter with schemas.enable=true requires \"schema\" and \"payload\" "
            "fields and may not contain additional fields",
            what_);
      }
      if (conv_->format == DataFormat::kJson && conv_->schemas != SchemasEnable::kOff &&
          envelope_shape) {
        JsonValue* schema = v.Find("schema");
        data_.has_schema = !schema->is_null();
        if (data_.has_schema) data_.schema = std::move(*schema);
        data_.value = std::move(*v.Find("payload"));
      } else {
        data_.value = std::move(v);
      }
    } else {
      data_.value = JsonValue::String(std::string(*raw_));
    }
  }
  parsed_ = true;
  return &data_;
}

Result<ConnectData*> RecordSide::RequireObject(std::string_view purpose) {
  ASSIGN_OR_RETURN(ConnectData * d, Data());
  if (!d->value.is_object()) {
    if (conv_->format == DataFormat::kBytes) {
      return InvalidArgument("{} is opaque bytes (ByteArrayConverter); [{}] needs a JSON object",
                             what_, purpose);
    }
    return InvalidArgument("only {} supported for [{}], found: {}",
                           d->has_schema ? "Struct objects" : "JSON objects (maps) are", purpose,
                           JsonTypeName(d->value));
  }
  return d;
}

Status RecordSide::ToDatum(std::shared_ptr<const SchemaDatum>* out) {
  if (!parsed_ || conv_->format != DataFormat::kSchemaCodec || data_.value.is_null()) {
    out->reset();
    return Status::OK();
  }
  if (!data_.has_schema) {
    return InvalidArgument("{}: a transform left the {} without a schema; {} needs one", what_,
                           what_, conv_->codec->name());
  }
  auto schema = conv_->codec->ModelSchema(data_.schema);
  if (!schema.ok()) return InvalidArgument("{}: {}", what_, schema.status().message());
  // The previous record's datum is reused when nothing else holds it.
  std::shared_ptr<SchemaDatum> datum = *out && out->use_count() == 1
                                           ? std::const_pointer_cast<SchemaDatum>(*out)
                                           : std::make_shared<SchemaDatum>();
  datum->schema = *schema;
  Status st = ModelValue(**schema, data_.value, &datum->value);
  if (!st.ok()) return InvalidArgument("{}: {}", what_, st.message());
  *out = std::move(datum);
  return Status::OK();
}

void RecordSide::WriteTo(std::optional<std::string>* out) const {
  if (!parsed_) {
    if (raw_) {
      if (!out->has_value()) out->emplace();
      (*out)->assign(*raw_);
    } else {
      out->reset();
    }
    return;
  }
  if (data_.value.is_null() && (!data_.has_schema || conv_->format == DataFormat::kSchemaCodec)) {
    out->reset();
    return;
  }
  // Reuses the previous record's buffer.
  if (!out->has_value()) out->emplace();
  std::string& s = **out;
  s.clear();
  if (conv_->format != DataFormat::kJson && data_.value.is_string()) {
    s = data_.value.str();  // StringConverter / ByteArrayConverter: the text itself
    return;
  }
  if (data_.has_schema && conv_->format == DataFormat::kJson &&
      conv_->schemas != SchemasEnable::kOff) {
    s.append("{\"schema\":");
    data_.schema.AppendTo(&s);
    s.append(",\"payload\":");
    data_.value.AppendTo(&s);
    s.push_back('}');
    return;
  }
  data_.value.AppendTo(&s);
}

// ---------------------------------------------------------------------------------------
// WorkingRecord

void WorkingRecord::Reset(const Record& in, const TransformChainOptions& options) {
  in_ = &in;
  topic_set_ = false;
  headers_owned_ = false;
  key_.Reset(in.key, &options.key, "key");
  value_.Reset(in.value, &options.value, "value");
}

bool WorkingRecord::HasHeader(std::string_view name) const {
  if (headers_owned_) {
    return std::any_of(headers_.begin(), headers_.end(),
                       [&](const OwnedHeader& h) { return h.name == name; });
  }
  return std::any_of(in_->headers.begin(), in_->headers.end(),
                     [&](const RecordHeader& h) { return h.name == name; });
}

std::vector<OwnedHeader>& WorkingRecord::MutableHeaders() {
  if (!headers_owned_) {
    headers_.clear();
    for (const auto& h : in_->headers) {
      headers_.push_back(
          {std::string(h.name), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
    }
    headers_owned_ = true;
  }
  return headers_;
}

Status WorkingRecord::Finish(OwnedRecord* out) {
  out->topic.assign(topic());
  out->partition = in_->partition;
  out->offset = in_->offset;
  out->timestamp_ms = in_->timestamp_ms;
  key_.WriteTo(&out->key);
  RETURN_IF_ERROR(value_.ToDatum(&out->value_datum));
  if (out->value_datum) {
    // The writers take the datum; the bytes stay the input's (sizes, the dead-letter
    // topic), and a value the chain made out of a tombstone is not null either.
    if (!out->value.has_value()) out->value.emplace();
    out->value->assign(in_->value.value_or(std::string_view()));
  } else {
    value_.WriteTo(&out->value);
  }
  if (headers_owned_) {
    out->headers = headers_;
  } else {
    out->headers.clear();
    for (const auto& h : in_->headers) {
      out->headers.push_back(
          {std::string(h.name), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------
// TransformProps

bool TransformProps::Has(std::string_view option) const {
  read_.insert(std::string(option));
  return options_.count(std::string(option)) > 0;
}

std::string TransformProps::Get(std::string_view option, std::string_view fallback) const {
  read_.insert(std::string(option));
  auto it = options_.find(std::string(option));
  return it == options_.end() ? std::string(fallback) : std::string(Trim(it->second));
}

Result<std::string> TransformProps::Required(std::string_view option,
                                             std::string_view expected) const {
  std::string v = Get(option);
  if (v.empty()) return InvalidArgument("{}: required, expected {}", Key(option), expected);
  return v;
}

std::vector<std::string> TransformProps::List(std::string_view option) const {
  return SplitList(Get(option));
}

Result<bool> TransformProps::Bool(std::string_view option, bool fallback) const {
  std::string v = Get(option);
  if (v.empty()) return fallback;
  if (EqualsIgnoreCase(v, "true")) return true;
  if (EqualsIgnoreCase(v, "false")) return false;
  return InvalidArgument("{}: expected true or false, got '{}'", Key(option), v);
}

Result<int64_t> TransformProps::Int(std::string_view option, int64_t fallback) const {
  std::string v = Get(option);
  if (v.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (errno != 0 || end == v.c_str() || *end != '\0') {
    return InvalidArgument("{}: expected an integer, got '{}'", Key(option), v);
  }
  return static_cast<int64_t>(n);
}

Result<std::string> TransformProps::OneOf(std::string_view option, std::string_view fallback,
                                          const std::vector<std::string>& allowed) const {
  std::string v = Get(option, fallback);
  for (const auto& a : allowed) {
    if (EqualsIgnoreCase(a, v)) return a;
  }
  return InvalidArgument("{}: expected one of {}, got '{}'", Key(option), fmt::join(allowed, ", "),
                         v);
}

std::vector<std::string> TransformProps::Unread() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : options_) {
    if (!read_.count(k)) out.push_back(Key(k));
  }
  return out;
}

std::string_view ShortClassName(std::string_view type) {
  type = Trim(type);
  size_t dot = type.rfind('.');
  return dot == std::string_view::npos ? type : type.substr(dot + 1);
}

// ---------------------------------------------------------------------------------------
// TransformChain

struct TransformChain::Step {
  std::string alias;
  std::string type;  // short class name, for errors
  std::unique_ptr<tributary::Transform> transform;
  std::shared_ptr<const RecordPredicate> predicate;  // may be shared by several steps
  bool negate = false;
};

struct TransformScratch::State {
  WorkingRecord working;
  OwnedRecord owned;
  Record view;
};

TransformScratch::TransformScratch() : state_(std::make_unique<State>()) {}
TransformScratch::~TransformScratch() = default;
TransformChain::~TransformChain() = default;

Result<TransformChainOptions> TransformChainOptions::FromConfig(
    const std::map<std::string, std::string>& raw) {
  TransformChainOptions o;
  auto converter = [&](const std::string& name, ConverterOptions* c) -> Status {
    auto it = raw.find(name);
    if (it != raw.end()) {
      std::string_view cls = Trim(it->second);
      if (EndsWithIgnoreCase(cls, "StringConverter")) {
        c->format = DataFormat::kString;
      } else if (EndsWithIgnoreCase(cls, "ByteArrayConverter")) {
        c->format = DataFormat::kBytes;
      } else if (EndsWithIgnoreCase(cls, "JsonConverter")) {
        c->format = DataFormat::kJson;
      } else if (auto type = RegistryConverterType(cls)) {
        c->format = DataFormat::kSchemaCodec;
        RegistryOptions registry;
        registry.type = *type;
        auto url = raw.find(name + ".schema.registry.url");
        auto urls = SplitList(url == raw.end() ? std::string() : url->second);
        if (urls.empty()) {
          return InvalidArgument("{}.schema.registry.url: {} needs the Schema Registry URL", name,
                                 cls);
        }
        registry.url = urls[0];
        auto source = raw.find(name + ".basic.auth.credentials.source");
        auto info = raw.find(name + ".basic.auth.user.info");
        if (source != raw.end() && Trim(source->second) == "USER_INFO" && info != raw.end()) {
          registry.credentials = std::string(Trim(info->second));
        }
        c->registry = std::make_shared<SchemaRegistryClient>(std::move(registry));
        c->codec = *type == RegistrySchemaType::kAvro
                       ? MakeAvroRegistryCodec(c->registry)
                       : MakeRegistryConverterCodec(c->registry,
                                                    std::string(cls.substr(cls.rfind('.') + 1)));
      }
    }
    auto se = raw.find(name + ".schemas.enable");
    if (se != raw.end()) {
      std::string_view v = Trim(se->second);
      if (EqualsIgnoreCase(v, "true")) {
        c->schemas = SchemasEnable::kOn;
      } else if (EqualsIgnoreCase(v, "false")) {
        c->schemas = SchemasEnable::kOff;
      } else {
        return InvalidArgument("{}.schemas.enable: expected true or false, got '{}'", name, v);
      }
    }
    return Status::OK();
  };
  RETURN_IF_ERROR(converter("key.converter", &o.key));
  RETURN_IF_ERROR(converter("value.converter", &o.value));
  return o;
}

Result<std::unique_ptr<TransformChain>> TransformChain::Create(
    const std::map<std::string, std::string>& raw, const TransformChainOptions& options) {
  std::unique_ptr<TransformChain> chain(new TransformChain());
  chain->options_ = options;
  std::vector<std::string> problems;
  std::set<std::string> known_prefixes;  // keys under these are accounted for

  auto options_of = [&](const std::string& prefix, std::initializer_list<const char*> skip) {
    std::map<std::string, std::string> out;
    for (auto it = raw.lower_bound(prefix); it != raw.end() && it->first.rfind(prefix, 0) == 0;
         ++it) {
      std::string option = it->first.substr(prefix.size());
      if (std::find_if(skip.begin(), skip.end(), [&](const char* s) { return option == s; }) ==
          skip.end()) {
        out[option] = it->second;
      }
    }
    return out;
  };
  auto get = [&](const std::string& key) -> std::string {
    auto it = raw.find(key);
    return it == raw.end() ? std::string() : std::string(Trim(it->second));
  };

  // Predicates first: transforms refer to them by name.
  std::map<std::string, std::shared_ptr<const RecordPredicate>> predicates;
  std::set<std::string> referenced;
  for (const auto& name : SplitList(get("predicates"))) {
    const std::string prefix = "predicates." + name + ".";
    known_prefixes.insert(prefix);
    if (predicates.count(name)) {
      problems.push_back(fmt::format("predicates: '{}' is listed twice", name));
      continue;
    }
    const std::string type = get(prefix + "type");
    if (type.empty()) {
      problems.push_back(fmt::format(
          "{}type: required, expected a predicate class (TopicNameMatches, HasHeaderKey, "
          "RecordIsTombstone)",
          prefix));
      continue;
    }
    TransformProps props(prefix, options_of(prefix, {"type"}));
    auto made = MakePredicate(type, props);
    if (!made.ok()) {
      problems.push_back(made.status().message());
      continue;
    }
    predicates[name] = std::shared_ptr<const RecordPredicate>(std::move(made).value());
    for (auto& k : props.Unread()) chain->unused_keys_.push_back(k);
  }

  std::set<std::string> seen;
  for (const auto& alias : SplitList(get("transforms"))) {
    const std::string prefix = "transforms." + alias + ".";
    known_prefixes.insert(prefix);
    if (!seen.insert(alias).second) {
      problems.push_back(fmt::format("transforms: alias '{}' is listed twice", alias));
      continue;
    }
    auto step = std::make_unique<Step>();
    step->alias = alias;
    const std::string type = get(prefix + "type");
    if (type.empty()) {
      problems.push_back(
          fmt::format("{}type: required, expected a transform class for alias '{}' (e.g. "
                      "org.apache.kafka.connect.transforms.ReplaceField$Value)",
                      prefix, alias));
      continue;
    }
    step->type = std::string(ShortClassName(type));
    const std::string predicate = get(prefix + "predicate");
    const std::string negate = get(prefix + "negate");
    if (!predicate.empty()) {
      auto it = predicates.find(predicate);
      if (it == predicates.end()) {
        problems.push_back(fmt::format(
            "{}predicate: '{}' is not a predicate listed in 'predicates' (or its definition "
            "is invalid)",
            prefix, predicate));
      } else {
        step->predicate = it->second;
        referenced.insert(predicate);
      }
    }
    if (!negate.empty()) {
      if (EqualsIgnoreCase(negate, "true")) {
        step->negate = true;
      } else if (!EqualsIgnoreCase(negate, "false")) {
        problems.push_back(
            fmt::format("{}negate: expected true or false, got '{}'", prefix, negate));
      }
      if (predicate.empty()) {
        problems.push_back(fmt::format(
            "{}negate: set without {}predicate; negate inverts a predicate", prefix, prefix));
      }
    }
    TransformProps props(prefix, options_of(prefix, {"type", "predicate", "negate"}));
    Result<std::unique_ptr<tributary::Transform>> made = EqualsIgnoreCase(step->type, "Sql")
                                                             ? MakeSqlTransform(props)
                                                             : MakeBuiltinTransform(type, props);
    if (!made.ok()) {
      problems.push_back(made.status().message());
      continue;
    }
    step->transform = std::move(made).value();
    for (auto& k : props.Unread()) chain->unused_keys_.push_back(k);
    chain->steps_.push_back(std::move(step));
  }
  for (const auto& [name, p] : predicates) {
    if (!referenced.count(name)) {
      chain->unused_keys_.push_back("predicates." + name + ".type");
    }
  }
  // Keys of aliases that are not listed: Connect ignores them; say so.
  for (const char* family : {"transforms.", "predicates."}) {
    for (auto it = raw.lower_bound(family); it != raw.end() && it->first.rfind(family, 0) == 0;
         ++it) {
      bool claimed = std::any_of(known_prefixes.begin(), known_prefixes.end(),
                                 [&](const std::string& p) { return it->first.rfind(p, 0) == 0; });
      if (!claimed) chain->unused_keys_.push_back(it->first);
    }
  }
  if (!problems.empty()) {
    std::string msg = "invalid transform configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    return InvalidArgument("{}", msg);
  }
  return chain;
}

std::shared_ptr<const TransformChain> TransformChain::None() {
  static const std::shared_ptr<const TransformChain> none(new TransformChain());
  return none;
}

std::vector<std::string> TransformChain::aliases() const {
  std::vector<std::string> out;
  for (const auto& s : steps_) out.push_back(s->alias);
  return out;
}

Result<const Record*> TransformChain::Apply(const Record& in, TransformScratch* scratch) const {
  if (steps_.empty()) return &in;
  TransformScratch::State& st = *scratch->state_;
  WorkingRecord& w = st.working;
  w.Reset(in, options_);
  for (const auto& step : steps_) {
    if (step->predicate && step->predicate->Test(w) == step->negate) continue;
    auto kept = step->transform->Apply(w);
    if (!kept.ok()) {
      return Status(kept.status().code(),
                    fmt::format("{}: transform '{}' ({}): {}", in.Where(), step->alias, step->type,
                                kept.status().message()));
    }
    if (!*kept) return nullptr;
  }
  if (!w.modified()) return &in;
  if (Status finished = w.Finish(&st.owned); !finished.ok()) {
    return Status(finished.code(),
                  fmt::format("{}: after the transforms: {}", in.Where(), finished.message()));
  }
  st.owned.ViewInto(&st.view);
  return &st.view;
}

Result<std::optional<OwnedRecord>> TransformChain::Transform(const Record& in) const {
  TransformScratch scratch;
  ASSIGN_OR_RETURN(const Record* out, Apply(in, &scratch));
  if (out == nullptr) return std::optional<OwnedRecord>();
  return std::optional<OwnedRecord>(OwnedRecord::CopyOf(*out));
}

}  // namespace tributary
