#include "transform/kcql.h"

#include <cctype>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "common/strings.h"

namespace tributary {
namespace {

constexpr std::string_view kKey = "connect.s3.kcql";

struct Tok {
  enum Kind { kEnd, kWord, kBacktick, kString, kPunct } kind = kEnd;
  std::string text;
};

bool IsPunct(char c) { return c == ',' || c == '(' || c == ')' || c == '=' || c == ';'; }

Result<std::vector<std::vector<Tok>>> Tokenize(std::string_view s) {
  std::vector<std::vector<Tok>> statements(1);
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Tok t;
    if (c == '`' || c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) {
        return InvalidArgument("{}: unterminated {} quote", kKey, c);
      }
      t.kind = c == '\'' ? Tok::kString : Tok::kBacktick;
      t.text = std::string(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == ';') {
      statements.emplace_back();
      ++i;
      continue;
    } else if (IsPunct(c)) {
      t.kind = Tok::kPunct;
      t.text = std::string(1, c);
      ++i;
    } else {
      size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && !IsPunct(s[j]) &&
             s[j] != '`' && s[j] != '\'') {
        ++j;
      }
      t.kind = Tok::kWord;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    }
    statements.back().push_back(std::move(t));
  }
  std::erase_if(statements, [](const auto& st) { return st.empty(); });
  return statements;
}

class StatementParser {
 public:
  StatementParser(std::vector<Tok> toks, int index) : toks_(std::move(toks)), index_(index) {
    toks_.push_back(Tok());
  }

  Result<KcqlStatement> Parse() {
    KcqlStatement st;
    RETURN_IF_ERROR(Expect("INSERT"));
    RETURN_IF_ERROR(Expect("INTO"));
    const Tok target = Next();
    if (target.kind != Tok::kWord && target.kind != Tok::kBacktick) {
      return Error("a target bucket[:prefix]");
    }
    size_t colon = target.text.find(':');
    st.bucket = target.text.substr(0, colon);
    if (colon != std::string::npos) st.prefix = target.text.substr(colon + 1);
    if (st.bucket.empty()) return Error("a bucket name after INSERT INTO");
    RETURN_IF_ERROR(Expect("SELECT"));
    std::string item;
    while (!IsWord("FROM")) {
      const Tok t = Next();
      if (t.kind == Tok::kEnd) return Error("FROM");
      if (t.kind == Tok::kPunct && t.text == ",") {
        if (item.empty()) return Error("a field before ','");
        st.select.push_back(item);
        item.clear();
        continue;
      }
      if (!item.empty()) item += ' ';
      item += t.kind == Tok::kBacktick ? "`" + t.text + "`" : t.text;
    }
    if (item.empty()) return Error("* or a list of fields after SELECT");
    st.select.push_back(item);
    Next();  // FROM
    const Tok topic = Next();
    if (topic.kind != Tok::kWord && topic.kind != Tok::kBacktick) return Error("a topic");
    st.topic = topic.text;
    while (Peek().kind != Tok::kEnd) {
      if (AcceptWord("PARTITIONBY")) {
        bool paren = AcceptPunct("(");
        do {
          const Tok f = Next();
          if (f.kind != Tok::kWord && f.kind != Tok::kBacktick)
            return Error("a field to partition by");
          st.partition_by.push_back(f.text);
        } while (AcceptPunct(","));
        if (paren && !AcceptPunct(")")) return Error("')'");
      } else if (AcceptWord("NOPARTITION")) {
        st.no_partition = true;
      } else if (AcceptWord("STOREAS")) {
        const Tok f = Next();
        if (f.kind != Tok::kWord && f.kind != Tok::kBacktick) return Error("a storage format");
        st.store_as = f.text;
      } else if (AcceptWord("PROPERTIES")) {
        if (!AcceptPunct("(")) return Error("'(' after PROPERTIES");
        while (!AcceptPunct(")")) {
          const Tok k = Next();
          if (k.kind != Tok::kString) return Error("a quoted property name");
          if (!AcceptPunct("=")) return Error("'=' after '" + k.text + "'");
          const Tok v = Next();
          if (v.kind == Tok::kEnd || v.kind == Tok::kPunct) return Error("a property value");
          st.properties[k.text] = v.text;
          if (!AcceptPunct(",") && !(Peek().kind == Tok::kPunct && Peek().text == ")")) {
            return Error("',' or ')'");
          }
        }
      } else if (Peek().kind == Tok::kWord && Peek().text.rfind("WITH_FLUSH_", 0) == 0) {
        // WITH_FLUSH_COUNT = 5000 (older KCQL): the same as PROPERTIES('flush.count'=5000).
        std::string name = ToLower(Next().text.substr(std::string_view("WITH_FLUSH_").size()));
        AcceptPunct("=");
        const Tok v = Next();
        if (v.kind != Tok::kWord) return Error("a number");
        st.properties["flush." + name] = v.text;
      } else {
        return Error("PARTITIONBY, STOREAS, PROPERTIES or the end of the statement");
      }
    }
    return st;
  }

 private:
  const Tok& Peek() const { return toks_[pos_]; }
  Tok Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool IsWord(std::string_view w) const {
    return Peek().kind == Tok::kWord && EqualsIgnoreCase(Peek().text, w);
  }
  bool AcceptWord(std::string_view w) {
    if (!IsWord(w)) return false;
    ++pos_;
    return true;
  }
  bool AcceptPunct(std::string_view p) {
    if (Peek().kind != Tok::kPunct || Peek().text != p) return false;
    ++pos_;
    return true;
  }
  Status Expect(std::string_view w) {
    if (!AcceptWord(w)) return Error(w);
    return Status::OK();
  }
  Status Error(std::string_view expected) const {
    return InvalidArgument("{}: statement {}: expected {}, found {}", kKey, index_, expected,
                           Peek().kind == Tok::kEnd ? std::string("the end of the statement")
                                                    : "'" + Peek().text + "'");
  }
  std::vector<Tok> toks_;
  size_t pos_ = 0;
  int index_;
};

}  // namespace

Result<std::vector<KcqlStatement>> ParseKcql(std::string_view text) {
  ASSIGN_OR_RETURN(auto statements, Tokenize(text));
  if (statements.empty()) return InvalidArgument("{}: expected INSERT INTO ... statements", kKey);
  std::vector<KcqlStatement> out;
  for (size_t i = 0; i < statements.size(); ++i) {
    ASSIGN_OR_RETURN(auto st, StatementParser(statements[i], static_cast<int>(i + 1)).Parse());
    out.push_back(std::move(st));
  }
  return out;
}

Result<KcqlMapping> KcqlToConnectConfig(const std::vector<KcqlStatement>& statements,
                                        const std::map<std::string, std::string>& existing) {
  KcqlMapping m;
  const KcqlStatement& first = statements.front();
  for (size_t i = 1; i < statements.size(); ++i) {
    const KcqlStatement& s = statements[i];
    if (s.bucket != first.bucket || s.prefix != first.prefix ||
        !EqualsIgnoreCase(s.store_as, first.store_as) || s.properties != first.properties ||
        s.partition_by != first.partition_by) {
      return InvalidArgument(
          "{}: statement {} differs from statement 1 in its target, STOREAS, PARTITIONBY or "
          "PROPERTIES; one Tributary sink writes one bucket and prefix in one format (run one "
          "sink per target)",
          kKey, i + 1);
    }
  }
  m.keys["s3.bucket.name"] = first.bucket;
  if (!first.prefix.empty()) m.keys["topics.dir"] = first.prefix;

  // STOREAS -> format.class (the names this version's format table knows).
  static const std::pair<std::string_view, std::string_view> kFormats[] = {
      {"JSON", "io.confluent.connect.s3.format.json.JsonFormat"},
      {"BYTES", "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"},
      {"AVRO", "io.confluent.connect.s3.format.avro.AvroFormat"},
      {"PARQUET", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
      {"CSV", "csv"},
      {"CSV_WITHHEADERS", "csv"},
      {"TEXT", "text"}};
  // Formats the format table of this build does not list are then rejected by
  // format.class's own validation, naming the values it accepts.
  if (!first.store_as.empty()) {
    bool found = false;
    for (const auto& [name, cls] : kFormats) {
      if (EqualsIgnoreCase(first.store_as, name)) {
        m.keys["format.class"] = std::string(cls);
        found = true;
      }
    }
    if (!found) {
      return InvalidArgument(
          "{}: STOREAS `{}`: expected JSON, AVRO, PARQUET, CSV, CSV_WithHeaders, TEXT or BYTES",
          kKey, first.store_as);
    }
    if (EqualsIgnoreCase(first.store_as, "CSV_WithHeaders")) {
      m.ignored.push_back(fmt::format("{} STOREAS `CSV_WithHeaders` (the header row)", kKey));
    }
  } else {
    m.keys["format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  }
  for (const auto& [k, v] : first.properties) {
    if (k == "flush.count") {
      m.keys["flush.size"] = v;
    } else if (k == "flush.interval") {
      // Seconds in KCQL; Confluent's wall-clock rotation key is in milliseconds.
      char* end = nullptr;
      long long secs = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || secs < 0) {
        return InvalidArgument("{}: PROPERTIES('flush.interval'): expected seconds, got '{}'", kKey,
                               v);
      }
      m.keys["rotate.schedule.interval.ms"] = std::to_string(secs * 1000);
      // Scheduled rotation aligns to midnight in `timezone`; Lenses' interval is not
      // aligned to any zone, so UTC unless the config names one.
      if (!existing.count("timezone")) m.keys["timezone"] = "UTC";
    } else {
      m.ignored.push_back(fmt::format("{} PROPERTIES('{}')", kKey, k));
    }
  }
  if (!m.keys.count("flush.size") && !existing.count("flush.size")) {
    return InvalidArgument(
        "{}: PROPERTIES('flush.count'=N) (or flush.size in the config) is required: "
        "Tributary rotates objects by record count",
        kKey);
  }
  if (first.no_partition) {
    m.ignored.push_back(fmt::format("{} NOPARTITION", kKey));
  }
  if (!first.partition_by.empty()) {
    std::vector<std::string> fields;
    for (const auto& f : first.partition_by) {
      std::string_view field = f;
      if (field.rfind("_value.", 0) == 0) field.remove_prefix(7);
      if (field.rfind("_key", 0) == 0 || field.rfind("_header", 0) == 0 ||
          field.rfind("_topic", 0) == 0 || field.rfind("_partition", 0) == 0 ||
          field.rfind("_date", 0) == 0) {
        return InvalidArgument(
            "{}: PARTITIONBY {}: only value fields can be partitioned by in this version", kKey, f);
      }
      fields.emplace_back(field);
    }
    m.keys["partitioner.class"] = "io.confluent.connect.storage.partitioner.FieldPartitioner";
    m.keys["partition.field.name"] = fmt::format("{}", fmt::join(fields, ","));
  }

  // Topics: the statements' own, unless the config lists them (KCQL's `*`).
  std::vector<std::string> topics;
  for (const auto& s : statements) {
    if (s.topic != "*") topics.push_back(s.topic);
  }
  auto given = existing.find("topics");
  bool has_topics = given != existing.end() && !Trim(given->second).empty();
  bool has_regex = existing.count("topics.regex") && !Trim(existing.at("topics.regex")).empty();
  if (!has_topics && !has_regex) {
    if (topics.size() != statements.size()) {
      return InvalidArgument("{}: FROM `*` needs topics or topics.regex in the config", kKey);
    }
    m.keys["topics"] = fmt::format("{}", fmt::join(topics, ","));
  }

  // Projections: one tributary.Sql transform per statement that selects fields, applied
  // only to its topic (unless FROM `*`).
  std::vector<std::string> aliases;
  auto existing_transforms = existing.find("transforms");
  if (existing_transforms != existing.end()) aliases = SplitList(existing_transforms->second);
  std::vector<std::string> predicates;
  auto existing_predicates = existing.find("predicates");
  if (existing_predicates != existing.end()) predicates = SplitList(existing_predicates->second);
  bool added = false;
  for (size_t i = 0; i < statements.size(); ++i) {
    const KcqlStatement& s = statements[i];
    if (s.select.size() == 1 && s.select[0] == "*") continue;
    for (const auto& item : s.select) {
      if (item == "*") {
        return InvalidArgument("{}: statement {}: '*' cannot be combined with fields", kKey, i + 1);
      }
    }
    const std::string alias = fmt::format("kcql{}", i + 1);
    aliases.push_back(alias);
    m.keys["transforms." + alias + ".type"] = "tributary.Sql";
    m.keys["transforms." + alias + ".query"] =
        fmt::format("SELECT {} FROM `{}`", fmt::join(s.select, ", "), s.topic);
    if (s.topic != "*") {
      const std::string pred = alias + "topic";
      predicates.push_back(pred);
      m.keys["transforms." + alias + ".predicate"] = pred;
      m.keys["predicates." + pred + ".type"] = "TopicNameMatches";
      m.keys["predicates." + pred + ".pattern"] = RE2::QuoteMeta(s.topic);
    }
    added = true;
  }
  if (added) {
    m.keys["transforms"] = fmt::format("{}", fmt::join(aliases, ","));
    if (!predicates.empty()) m.keys["predicates"] = fmt::format("{}", fmt::join(predicates, ","));
  }
  return m;
}

}  // namespace tributary

namespace tributary {

Status ExpandKcql(std::map<std::string, std::string>* raw, std::vector<std::string>* ignored) {
  auto it = raw->find(std::string(kKey));
  if (it == raw->end() || Trim(it->second).empty()) return Status::OK();
  ASSIGN_OR_RETURN(auto statements, ParseKcql(it->second));
  ASSIGN_OR_RETURN(KcqlMapping m, KcqlToConnectConfig(statements, *raw));
  for (const auto& [k, v] : m.keys) {
    auto existing = raw->find(k);
    const bool merged = k == "transforms" || k == "predicates";  // lists extended above
    if (existing != raw->end() && !merged && Trim(existing->second) != Trim(v)) {
      return InvalidArgument("{} sets {}={} but the config sets {}={}; remove one", kKey, k, v, k,
                             existing->second);
    }
    (*raw)[k] = v;
  }
  for (auto& i : m.ignored) ignored->push_back(std::move(i));
  return Status::OK();
}

}  // namespace tributary
