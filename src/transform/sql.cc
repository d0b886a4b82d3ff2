#include "transform/sql.h"

#include <openssl/evp.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>

#include "common/strings.h"
#include "transform/connect_schema.h"
#include "transform/time_format.h"

namespace tributary {

// ---------------------------------------------------------------------------------------
// Expression nodes. Each evaluates to a JsonValue; JSON null is SQL NULL.

struct SqlEvalContext {
  const JsonValue* value;
  const SqlRecordContext* record;
  const JsonValue* schema;  // input struct schema or nullptr
};

class SqlExpr {
 public:
  virtual ~SqlExpr() = default;
  virtual Result<JsonValue> Eval(const SqlEvalContext& c) const = 0;
  // The Connect schema of the result (optional unless known to be required).
  virtual JsonValue Schema(const SqlEvalContext& c) const = 0;
};

namespace {

namespace cs = connect_schema;

JsonValue OptionalOf(std::string_view type) { return cs::Primitive(type, true); }

bool Truthy(const JsonValue& v) { return v.is_bool() && v.bool_value(); }

std::string AsText(const JsonValue& v) { return v.is_string() ? v.str() : v.ToString(); }

class Literal final : public SqlExpr {
 public:
  explicit Literal(JsonValue v) : v_(std::move(v)) {}
  Result<JsonValue> Eval(const SqlEvalContext&) const override { return v_; }
  JsonValue Schema(const SqlEvalContext&) const override {
    switch (v_.type()) {
      case JsonValue::Type::kBool:
        return cs::Primitive("boolean", false);
      case JsonValue::Type::kInt:
      case JsonValue::Type::kUint:
        return cs::Primitive("int64", false);
      case JsonValue::Type::kDouble:
        return cs::Primitive("double", false);
      case JsonValue::Type::kString:
        return cs::Primitive("string", false);
      default:
        return OptionalOf("string");
    }
  }

 private:
  JsonValue v_;
};

// A field path into the value (a.b.c), resolved by member name at each level.
class Path final : public SqlExpr {
 public:
  explicit Path(std::vector<std::string> parts) : parts_(std::move(parts)) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    const JsonValue* v = c.value;
    for (const auto& p : parts_) {
      v = v ? v->Find(p) : nullptr;
      if (!v) return JsonValue();
    }
    return *v;
  }
  JsonValue Schema(const SqlEvalContext& c) const override {
    const JsonValue* s = c.schema;
    for (const auto& p : parts_) {
      s = s ? cs::Field(*s, p) : nullptr;
      if (!s) return OptionalOf("string");
    }
    return cs::WithoutFieldName(*s);
  }

 private:
  std::vector<std::string> parts_;
};

enum class Meta { kTopic, kPartition, kOffset, kTimestamp, kKey };

class MetaColumn final : public SqlExpr {
 public:
  explicit MetaColumn(Meta m) : m_(m) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    const SqlRecordContext& r = *c.record;
    switch (m_) {
      case Meta::kTopic:
        return JsonValue::String(std::string(r.topic));
      case Meta::kPartition:
        return JsonValue::Int(r.partition);
      case Meta::kOffset:
        return JsonValue::Int(r.offset);
      case Meta::kTimestamp:
        return r.timestamp_ms < 0 ? JsonValue() : JsonValue::Int(r.timestamp_ms);
      case Meta::kKey:
        return r.key ? JsonValue::String(std::string(*r.key)) : JsonValue();
    }
    return JsonValue();
  }
  JsonValue Schema(const SqlEvalContext&) const override {
    switch (m_) {
      case Meta::kTopic:
        return cs::Primitive("string", false);
      case Meta::kPartition:
        return cs::Primitive("int32", false);
      case Meta::kOffset:
        return cs::Primitive("int64", false);
      case Meta::kTimestamp:
        return cs::Primitive("int64", true, cs::kTimestampName, 1);
      case Meta::kKey:
        return OptionalOf("string");
    }
    return OptionalOf("string");
  }

 private:
  Meta m_;
};

int Compare(const JsonValue& a, const JsonValue& b, bool* comparable) {
  *comparable = true;
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer()) {
      int64_t x = a.int_value(), y = b.int_value();
      return x < y ? -1 : x > y;
    }
    double x = a.number_value(), y = b.number_value();
    return x < y ? -1 : x > y;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.str().compare(b.str());
    return c < 0 ? -1 : c > 0;
  }
  if (a.is_bool() && b.is_bool()) return int(a.bool_value()) - int(b.bool_value());
  // A number against a string: compare as numbers when the string is one (SQL's implicit
  // cast of the literal side).
  if ((a.is_number() && b.is_string()) || (a.is_string() && b.is_number())) {
    const JsonValue& s = a.is_string() ? a : b;
    char* end = nullptr;
    double d = std::strtod(s.str().c_str(), &end);
    if (!s.str().empty() && *end == '\0') {
      double x = a.is_string() ? d : a.number_value();
      double y = b.is_string() ? d : b.number_value();
      return x < y ? -1 : x > y;
    }
  }
  *comparable = false;
  return 0;
}

enum class BinOp { kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kAdd, kSub, kMul, kDiv, kMod, kConcat };

class Binary final : public SqlExpr {
 public:
  Binary(BinOp op, std::unique_ptr<SqlExpr> l, std::unique_ptr<SqlExpr> r)
      : op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    ASSIGN_OR_RETURN(JsonValue a, l_->Eval(c));
    if (op_ == BinOp::kAnd && a.is_bool() && !a.bool_value()) return JsonValue::Bool(false);
    if (op_ == BinOp::kOr && Truthy(a)) return JsonValue::Bool(true);
    ASSIGN_OR_RETURN(JsonValue b, r_->Eval(c));
    switch (op_) {
      case BinOp::kAnd:
        if (b.is_bool() && !b.bool_value()) return JsonValue::Bool(false);
        if (a.is_null() || b.is_null()) return JsonValue();
        return JsonValue::Bool(true);
      case BinOp::kOr:
        if (Truthy(b)) return JsonValue::Bool(true);
        if (a.is_null() || b.is_null()) return JsonValue();
        return JsonValue::Bool(false);
      case BinOp::kConcat:
        if (a.is_null() || b.is_null()) return JsonValue();
        return JsonValue::String(AsText(a) + AsText(b));
      default:
        break;
    }
    if (a.is_null() || b.is_null()) return JsonValue();
    if (op_ >= BinOp::kEq && op_ <= BinOp::kGe) {
      bool ok;
      int cmp = Compare(a, b, &ok);
      if (!ok) return op_ == BinOp::kNe ? JsonValue::Bool(true) : JsonValue::Bool(false);
      switch (op_) {
        case BinOp::kEq:
          return JsonValue::Bool(cmp == 0);
        case BinOp::kNe:
          return JsonValue::Bool(cmp != 0);
        case BinOp::kLt:
          return JsonValue::Bool(cmp < 0);
        case BinOp::kLe:
          return JsonValue::Bool(cmp <= 0);
        case BinOp::kGt:
          return JsonValue::Bool(cmp > 0);
        default:
          return JsonValue::Bool(cmp >= 0);
      }
    }
    if (!a.is_number() || !b.is_number()) return JsonValue();  // arithmetic on non-numbers
    if (a.is_integer() && b.is_integer() && op_ != BinOp::kDiv) {
      int64_t x = a.int_value(), y = b.int_value();
      switch (op_) {
        case BinOp::kAdd:
          return JsonValue::Int(x + y);
        case BinOp::kSub:
          return JsonValue::Int(x - y);
        case BinOp::kMul:
          return JsonValue::Int(x * y);
        default:
          return y == 0 ? JsonValue() : JsonValue::Int(x % y);
      }
    }
    if (a.is_integer() && b.is_integer() && op_ == BinOp::kDiv) {
      return b.int_value() == 0 ? JsonValue() : JsonValue::Int(a.int_value() / b.int_value());
    }
    double x = a.number_value(), y = b.number_value();
    switch (op_) {
      case BinOp::kAdd:
        return JsonValue::Double(x + y);
      case BinOp::kSub:
        return JsonValue::Double(x - y);
      case BinOp::kMul:
        return JsonValue::Double(x * y);
      case BinOp::kDiv:
        return y == 0 ? JsonValue() : JsonValue::Double(x / y);
      default:
        return y == 0 ? JsonValue() : JsonValue::Double(std::fmod(x, y));
    }
  }
  JsonValue Schema(const SqlEvalContext& c) const override {
    if (op_ <= BinOp::kOr) return OptionalOf("boolean");
    if (op_ == BinOp::kConcat) return OptionalOf("string");
    auto l = cs::Type(l_->Schema(c)), r = cs::Type(r_->Schema(c));
    bool integral = (l == "int8" || l == "int16" || l == "int32" || l == "int64") &&
                    (r == "int8" || r == "int16" || r == "int32" || r == "int64");
    return OptionalOf(integral ? "int64" : "double");
  }

 private:
  BinOp op_;
  std::unique_ptr<SqlExpr> l_, r_;
};

class Unary final : public SqlExpr {
 public:
  enum Op { kNot, kNeg, kIsNull, kIsNotNull };
  Unary(Op op, std::unique_ptr<SqlExpr> e) : op_(op), e_(std::move(e)) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    ASSIGN_OR_RETURN(JsonValue v, e_->Eval(c));
    switch (op_) {
      case kIsNull:
        return JsonValue::Bool(v.is_null());
      case kIsNotNull:
        return JsonValue::Bool(!v.is_null());
      case kNot:
        return v.is_bool() ? JsonValue::Bool(!v.bool_value()) : JsonValue();
      case kNeg:
        if (v.is_integer()) return JsonValue::Int(-v.int_value());
        if (v.is_number()) return JsonValue::Double(-v.number_value());
        return JsonValue();
    }
    return JsonValue();
  }
  JsonValue Schema(const SqlEvalContext& c) const override {
    if (op_ == kNeg) return cs::WithOptional(e_->Schema(c), true);
    return op_ == kNot ? OptionalOf("boolean") : cs::Primitive("boolean", false);
  }

 private:
  Op op_;
  std::unique_ptr<SqlExpr> e_;
};

// SQL LIKE with % and _, compiled to a matcher once.
bool LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '_' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

class Like final : public SqlExpr {
 public:
  Like(std::unique_ptr<SqlExpr> e, std::unique_ptr<SqlExpr> pattern, bool negate)
      : e_(std::move(e)), pattern_(std::move(pattern)), negate_(negate) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    ASSIGN_OR_RETURN(JsonValue v, e_->Eval(c));
    ASSIGN_OR_RETURN(JsonValue p, pattern_->Eval(c));
    if (v.is_null() || p.is_null()) return JsonValue();
    return JsonValue::Bool(LikeMatch(AsText(v), AsText(p)) != negate_);
  }
  JsonValue Schema(const SqlEvalContext&) const override { return OptionalOf("boolean"); }

 private:
  std::unique_ptr<SqlExpr> e_, pattern_;
  bool negate_;
};

class In final : public SqlExpr {
 public:
  In(std::unique_ptr<SqlExpr> e, std::vector<std::unique_ptr<SqlExpr>> list, bool negate)
      : e_(std::move(e)), list_(std::move(list)), negate_(negate) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    ASSIGN_OR_RETURN(JsonValue v, e_->Eval(c));
    if (v.is_null()) return JsonValue();
    for (const auto& item : list_) {
      ASSIGN_OR_RETURN(JsonValue x, item->Eval(c));
      bool ok;
      if (!x.is_null() && Compare(v, x, &ok) == 0 && ok) return JsonValue::Bool(!negate_);
    }
    return JsonValue::Bool(negate_);
  }
  JsonValue Schema(const SqlEvalContext&) const override { return OptionalOf("boolean"); }

 private:
  std::unique_ptr<SqlExpr> e_;
  std::vector<std::unique_ptr<SqlExpr>> list_;
  bool negate_;
};

class CaseWhen final : public SqlExpr {
 public:
  std::vector<std::pair<std::unique_ptr<SqlExpr>, std::unique_ptr<SqlExpr>>> whens;
  std::unique_ptr<SqlExpr> otherwise;
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    for (const auto& [cond, then] : whens) {
      ASSIGN_OR_RETURN(JsonValue v, cond->Eval(c));
      if (Truthy(v)) return then->Eval(c);
    }
    return otherwise ? otherwise->Eval(c) : Result<JsonValue>(JsonValue());
  }
  JsonValue Schema(const SqlEvalContext& c) const override {
    return cs::WithOptional(whens.front().second->Schema(c), true);
  }
};

// CAST(x AS type).
enum class SqlType { kBigint, kInt, kDouble, kString, kBoolean };

class CastExpr final : public SqlExpr {
 public:
  CastExpr(std::unique_ptr<SqlExpr> e, SqlType t) : e_(std::move(e)), t_(t) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    ASSIGN_OR_RETURN(JsonValue v, e_->Eval(c));
    if (v.is_null()) return v;
    switch (t_) {
      case SqlType::kBigint:
      case SqlType::kInt: {
        if (v.is_integer()) return v;
        if (v.is_number()) return JsonValue::Int(static_cast<int64_t>(v.number_value()));
        if (v.is_bool()) return JsonValue::Int(v.bool_value());
        std::string s(Trim(AsText(v)));
        int64_t n = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return JsonValue::Int(n);
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && *end == '\0') return JsonValue::Int(static_cast<int64_t>(d));
        return InvalidArgument("CAST: '{}' is not a number", s);
      }
      case SqlType::kDouble: {
        if (v.is_number()) return JsonValue::Double(v.number_value());
        if (v.is_bool()) return JsonValue::Double(v.bool_value());
        std::string s(Trim(AsText(v)));
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') return InvalidArgument("CAST: '{}' is not a number", s);
        return JsonValue::Double(d);
      }
      case SqlType::kString:
        return JsonValue::String(AsText(v));
      case SqlType::kBoolean:
        if (v.is_bool()) return v;
        if (v.is_number()) return JsonValue::Bool(v.number_value() != 0);
        return JsonValue::Bool(EqualsIgnoreCase(Trim(AsText(v)), "true"));
    }
    return JsonValue();
  }
  JsonValue Schema(const SqlEvalContext&) const override {
    static constexpr std::string_view kNames[] = {"int64", "int32", "double", "string", "boolean"};
    return OptionalOf(kNames[static_cast<int>(t_)]);
  }

 private:
  std::unique_ptr<SqlExpr> e_;
  SqlType t_;
};

std::string Hex(const unsigned char* p, unsigned n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return Hex(out, n);
}

// A scalar function: evaluates its arguments, then `fn`. NULL in, NULL out, unless the
// function says otherwise (COALESCE, CONCAT).
class Function final : public SqlExpr {
 public:
  using Fn = std::function<Result<JsonValue>(std::vector<JsonValue>&)>;
  Function(Fn fn, std::vector<std::unique_ptr<SqlExpr>> args, bool null_in_null_out,
           std::string_view result_type)
      : fn_(std::move(fn)),
        args_(std::move(args)),
        strict_(null_in_null_out),
        result_type_(result_type) {}
  Result<JsonValue> Eval(const SqlEvalContext& c) const override {
    std::vector<JsonValue> values;
    values.reserve(args_.size());
    for (const auto& a : args_) {
      ASSIGN_OR_RETURN(JsonValue v, a->Eval(c));
      if (strict_ && v.is_null()) return JsonValue();
      values.push_back(std::move(v));
    }
    return fn_(values);
  }
  JsonValue Schema(const SqlEvalContext& c) const override {
    if (result_type_.empty()) {  // same as the first argument (COALESCE, NULLIF)
      return args_.empty() ? OptionalOf("string") : cs::WithOptional(args_[0]->Schema(c), true);
    }
    return OptionalOf(result_type_);
  }

 private:
  Fn fn_;
  std::vector<std::unique_ptr<SqlExpr>> args_;
  bool strict_;
  std::string result_type_;
};

// ---------------------------------------------------------------------------------------
// Lexer and parser.

struct Token {
  enum Kind { kEnd, kIdent, kQuotedIdent, kString, kNumber, kSymbol } kind = kEnd;
  std::string text;
  size_t pos = 0;
};

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.pos = i;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      t.kind = Token::kIdent;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i;
      while (j < s.size() &&
             (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' ||
              s[j] == 'E' ||
              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E')))) {
        ++j;
      }
      t.kind = Token::kNumber;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (c == '\'' || c == '"' || c == '`') {
      // 'string' with '' escapes; "ident" or `ident` quoted identifiers.
      char q = c;
      std::string text;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size()) return InvalidArgument("position {}: unterminated {} quote", i, q);
        if (s[j] == q) {
          if (j + 1 < s.size() && s[j + 1] == q) {
            text.push_back(q);
            ++j;
            continue;
          }
          break;
        }
        text.push_back(s[j]);
      }
      t.kind = q == '\'' ? Token::kString : Token::kQuotedIdent;
      t.text = std::move(text);
      i = j + 1;
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!=", "||"};
      t.kind = Token::kSymbol;
      t.text = std::string(1, c);
      for (auto two : kTwo) {
        if (s.substr(i, 2) == two) t.text = std::string(two);
      }
      if (std::string_view("(),.*+-/%=<>|!;").find(c) == std::string_view::npos) {
        return InvalidArgument("position {}: unexpected character '{}'", i, c);
      }
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  bool IsKeyword(std::string_view kw, size_t ahead = 0) const {
    const Token& t = tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    return t.kind == Token::kIdent && EqualsIgnoreCase(t.text, kw);
  }
  bool IsSymbol(std::string_view sym) const {
    return Peek().kind == Token::kSymbol && Peek().text == sym;
  }
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(kw)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(std::string_view sym) {
    if (!IsSymbol(sym)) return false;
    ++pos_;
    return true;
  }
  Status Error(std::string_view expected) const {
    const Token& t = Peek();
    return InvalidArgument(
        "position {}: expected {}, found {}", t.pos, expected,
        t.kind == Token::kEnd ? std::string("the end of the query") : "'" + t.text + "'");
  }
  Status ExpectSymbol(std::string_view sym) {
    if (!AcceptSymbol(sym)) return Error(fmt::format("'{}'", sym));
    return Status::OK();
  }
  size_t pos() const { return pos_; }
  std::string_view SourceBetween(size_t from_token, size_t to_token) const {
    size_t a = tokens_[from_token].pos;
    size_t b = to_token < tokens_.size() ? tokens_[to_token].pos : text_.size();
    return Trim(text_.substr(a, b - a));
  }

  Result<std::unique_ptr<SqlExpr>> Expr() { return Or(); }

  Result<std::unique_ptr<SqlExpr>> Or() {
    ASSIGN_OR_RETURN(auto l, And());
    while (AcceptKeyword("OR")) {
      ASSIGN_OR_RETURN(auto r, And());
      l = std::make_unique<Binary>(BinOp::kOr, std::move(l), std::move(r));
    }
    return l;
  }
  Result<std::unique_ptr<SqlExpr>> And() {
    ASSIGN_OR_RETURN(auto l, Not());
    while (AcceptKeyword("AND")) {
      ASSIGN_OR_RETURN(auto r, Not());
      l = std::make_unique<Binary>(BinOp::kAnd, std::move(l), std::move(r));
    }
    return l;
  }
  Result<std::unique_ptr<SqlExpr>> Not() {
    if (AcceptKeyword("NOT")) {
      ASSIGN_OR_RETURN(auto e, Not());
      return std::unique_ptr<SqlExpr>(std::make_unique<Unary>(Unary::kNot, std::move(e)));
    }
    return Comparison();
  }
  Result<std::unique_ptr<SqlExpr>> Comparison() {
    const size_t left_start = pos_;
    ASSIGN_OR_RETURN(auto l, Additive());
    static const std::pair<std::string_view, BinOp> kOps[] = {
        {"=", BinOp::kEq},  {"!=", BinOp::kNe}, {"<>", BinOp::kNe}, {"<=", BinOp::kLe},
        {">=", BinOp::kGe}, {"<", BinOp::kLt},  {">", BinOp::kGt}};
    for (const auto& [sym, op] : kOps) {
      if (AcceptSymbol(sym)) {
        ASSIGN_OR_RETURN(auto r, Additive());
        return std::unique_ptr<SqlExpr>(std::make_unique<Binary>(op, std::move(l), std::move(r)));
      }
    }
    if (AcceptKeyword("IS")) {
      bool negate = AcceptKeyword("NOT");
      if (!AcceptKeyword("NULL")) return Error("NULL");
      return std::unique_ptr<SqlExpr>(
          std::make_unique<Unary>(negate ? Unary::kIsNotNull : Unary::kIsNull, std::move(l)));
    }
    bool negate = false;
    if (IsKeyword("NOT") &&
        (IsKeyword("LIKE", 1) || IsKeyword("IN", 1) || IsKeyword("BETWEEN", 1))) {
      Next();
      negate = true;
    }
    if (AcceptKeyword("LIKE")) {
      ASSIGN_OR_RETURN(auto p, Additive());
      return std::unique_ptr<SqlExpr>(std::make_unique<Like>(std::move(l), std::move(p), negate));
    }
    if (AcceptKeyword("IN")) {
      RETURN_IF_ERROR(ExpectSymbol("("));
      std::vector<std::unique_ptr<SqlExpr>> list;
      do {
        ASSIGN_OR_RETURN(auto e, Expr());
        list.push_back(std::move(e));
      } while (AcceptSymbol(","));
      RETURN_IF_ERROR(ExpectSymbol(")"));
      return std::unique_ptr<SqlExpr>(std::make_unique<In>(std::move(l), std::move(list), negate));
    }
    if (AcceptKeyword("BETWEEN")) {
      // x BETWEEN a AND b is a <= x AND x <= b. Expressions are trees of unique_ptrs, so
      // x's tokens are parsed a second time (x has no side effects).
      ASSIGN_OR_RETURN(auto lo, Additive());
      if (!AcceptKeyword("AND")) return Error("AND");
      ASSIGN_OR_RETURN(auto hi, Additive());
      const size_t saved = pos_;
      pos_ = left_start;
      ASSIGN_OR_RETURN(auto l2, Additive());
      pos_ = saved;
      auto ge = std::make_unique<Binary>(BinOp::kGe, std::move(l), std::move(lo));
      auto le = std::make_unique<Binary>(BinOp::kLe, std::move(l2), std::move(hi));
      std::unique_ptr<SqlExpr> both =
          std::make_unique<Binary>(BinOp::kAnd, std::move(ge), std::move(le));
      if (negate) both = std::make_unique<Unary>(Unary::kNot, std::move(both));
      return both;
    }
    return l;
  }
  Result<std::unique_ptr<SqlExpr>> Additive() {
    ASSIGN_OR_RETURN(auto l, Multiplicative());
    while (true) {
      BinOp op;
      if (AcceptSymbol("+")) {
        op = BinOp::kAdd;
      } else if (AcceptSymbol("-")) {
        op = BinOp::kSub;
      } else if (AcceptSymbol("||")) {
        op = BinOp::kConcat;
      } else {
        return l;
      }
      ASSIGN_OR_RETURN(auto r, Multiplicative());
      l = std::make_unique<Binary>(op, std::move(l), std::move(r));
    }
  }
  Result<std::unique_ptr<SqlExpr>> Multiplicative() {
    ASSIGN_OR_RETURN(auto l, UnaryExpr());
    while (true) {
      BinOp op;
      if (AcceptSymbol("*")) {
        op = BinOp::kMul;
      } else if (AcceptSymbol("/")) {
        op = BinOp::kDiv;
      } else if (AcceptSymbol("%")) {
        op = BinOp::kMod;
      } else {
        return l;
      }
      ASSIGN_OR_RETURN(auto r, UnaryExpr());
      l = std::make_unique<Binary>(op, std::move(l), std::move(r));
    }
  }
  Result<std::unique_ptr<SqlExpr>> UnaryExpr() {
    if (AcceptSymbol("-")) {
      ASSIGN_OR_RETURN(auto e, UnaryExpr());
      return std::unique_ptr<SqlExpr>(std::make_unique<Unary>(Unary::kNeg, std::move(e)));
    }
    return Primary();
  }

  Result<std::unique_ptr<SqlExpr>> Primary();

 private:
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

using FnMaker = std::function<Result<std::unique_ptr<SqlExpr>>(
    std::vector<std::unique_ptr<SqlExpr>>, const std::vector<std::optional<JsonValue>>&)>;

Result<std::unique_ptr<SqlExpr>> MakeFunction(const std::string& name,
                                              std::vector<std::unique_ptr<SqlExpr>> args,
                                              const std::vector<std::optional<JsonValue>>& literals,
                                              size_t pos) {
  const std::string fn = ToLower(name);
  auto arity = [&](size_t lo, size_t hi) -> Status {
    if (args.size() < lo || args.size() > hi) {
      return InvalidArgument("position {}: {} takes {} argument(s), got {}", pos, name,
                             lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi),
                             args.size());
    }
    return Status::OK();
  };
  auto make = [&](Function::Fn f, bool strict, std::string_view type) {
    return std::unique_ptr<SqlExpr>(
        std::make_unique<Function>(std::move(f), std::move(args), strict, type));
  };
  auto text_fn = [&](std::function<std::string(std::string)> f) {
    return make(
        [f](std::vector<JsonValue>& v) -> Result<JsonValue> {
          return JsonValue::String(f(AsText(v[0])));
        },
        true, "string");
  };
  if (fn == "upper" || fn == "lower") {
    RETURN_IF_ERROR(arity(1, 1));
    bool up = fn == "upper";
    return text_fn([up](std::string s) {
      for (auto& ch : s)
        ch = static_cast<char>(up ? std::toupper(static_cast<unsigned char>(ch))
                                  : std::tolower(static_cast<unsigned char>(ch)));
      return s;
    });
  }
  if (fn == "trim" || fn == "ltrim" || fn == "rtrim") {
    RETURN_IF_ERROR(arity(1, 1));
    int mode = fn == "trim" ? 0 : fn == "ltrim" ? 1 : 2;
    return text_fn([mode](std::string s) {
      size_t a = 0, b = s.size();
      if (mode != 2)
        while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
      if (mode != 1)
        while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
      return s.substr(a, b - a);
    });
  }
  if (fn == "length" || fn == "char_length") {
    RETURN_IF_ERROR(arity(1, 1));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          // Characters, not bytes: count UTF-8 lead bytes.
          int64_t n = 0;
          for (unsigned char ch : AsText(v[0])) n += (ch & 0xC0) != 0x80;
          return JsonValue::Int(n);
        },
        true, "int64");
  }
  if (fn == "substr" || fn == "substring") {
    RETURN_IF_ERROR(arity(2, 3));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          std::string s = AsText(v[0]);
          if (!v[1].is_integer() || (v.size() == 3 && !v[2].is_integer())) {
            return InvalidArgument("SUBSTR: start and length must be integers");
          }
          int64_t start = std::max<int64_t>(v[1].int_value(), 1) - 1;  // 1-based
          int64_t len = v.size() == 3 ? std::max<int64_t>(v[2].int_value(), 0)
                                      : static_cast<int64_t>(s.size());
          if (start >= static_cast<int64_t>(s.size())) return JsonValue::String("");
          return JsonValue::String(s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
        },
        true, "string");
  }
  if (fn == "replace") {
    RETURN_IF_ERROR(arity(3, 3));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          std::string s = AsText(v[0]), from = AsText(v[1]), to = AsText(v[2]);
          if (from.empty()) return JsonValue::String(s);
          std::string out;
          size_t i = 0;
          for (size_t j; (j = s.find(from, i)) != std::string::npos; i = j + from.size()) {
            out.append(s, i, j - i).append(to);
          }
          out.append(s, i, std::string::npos);
          return JsonValue::String(out);
        },
        true, "string");
  }
  if (fn == "concat") {
    RETURN_IF_ERROR(arity(1, 64));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          std::string out;  // NULL arguments are skipped, as in most SQL dialects' CONCAT
          for (const auto& x : v) {
            if (!x.is_null()) out += AsText(x);
          }
          return JsonValue::String(out);
        },
        false, "string");
  }
  if (fn == "coalesce") {
    RETURN_IF_ERROR(arity(1, 64));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          for (auto& x : v) {
            if (!x.is_null()) return std::move(x);
          }
          return JsonValue();
        },
        false, "");
  }
  if (fn == "nullif") {
    RETURN_IF_ERROR(arity(2, 2));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          bool ok;
          if (!v[0].is_null() && !v[1].is_null() && Compare(v[0], v[1], &ok) == 0 && ok) {
            return JsonValue();
          }
          return std::move(v[0]);
        },
        false, "");
  }
  if (fn == "abs" || fn == "floor" || fn == "ceil" || fn == "round") {
    RETURN_IF_ERROR(arity(1, fn == "round" ? 2 : 1));
    return make(
        [fn](std::vector<JsonValue>& v) -> Result<JsonValue> {
          if (!v[0].is_number()) return InvalidArgument("{}: expected a number", fn);
          if (v[0].is_integer()) {
            return fn == "abs" ? JsonValue::Int(std::llabs(v[0].int_value())) : v[0];
          }
          double d = v[0].number_value();
          if (fn == "abs") return JsonValue::Double(std::fabs(d));
          if (fn == "floor") return JsonValue::Double(std::floor(d));
          if (fn == "ceil") return JsonValue::Double(std::ceil(d));
          double scale = std::pow(10.0, v.size() > 1 && v[1].is_integer() ? v[1].int_value() : 0);
          return JsonValue::Double(std::round(d * scale) / scale);
        },
        true, "");
  }
  if (fn == "sha256" || fn == "sha1" || fn == "md5") {
    RETURN_IF_ERROR(arity(1, 1));
    const EVP_MD* md = fn == "sha256" ? EVP_sha256() : fn == "sha1" ? EVP_sha1() : EVP_md5();
    return make(
        [md](std::vector<JsonValue>& v) -> Result<JsonValue> {
          return JsonValue::String(Digest(md, AsText(v[0])));
        },
        true, "string");
  }
  if (fn == "mask") {
    // MASK(s [, keep_last]): every character '*' except the last keep_last.
    RETURN_IF_ERROR(arity(1, 2));
    return make(
        [](std::vector<JsonValue>& v) -> Result<JsonValue> {
          std::string s = AsText(v[0]);
          int64_t keep = v.size() > 1 && v[1].is_integer() ? v[1].int_value() : 0;
          size_t n = s.size() > static_cast<size_t>(std::max<int64_t>(keep, 0))
                         ? s.size() - static_cast<size_t>(std::max<int64_t>(keep, 0))
                         : 0;
          for (size_t i = 0; i < n; ++i) s[i] = '*';
          return JsonValue::String(s);
        },
        true, "string");
  }
  if (fn == "format_timestamp" || fn == "parse_timestamp") {
    RETURN_IF_ERROR(arity(2, 2));
    if (!literals[1] || !literals[1]->is_string()) {
      return InvalidArgument("position {}: {}'s pattern must be a string literal", pos, name);
    }
    auto tf = TimeFormat::Compile(literals[1]->str());
    if (!tf.ok()) return tf.status().WithContext(fmt::format("position {}", pos));
    auto format = std::make_shared<TimeFormat>(std::move(tf).value());
    if (fn == "format_timestamp") {
      return make(
          [format](std::vector<JsonValue>& v) -> Result<JsonValue> {
            if (!v[0].is_integer()) {
              return InvalidArgument("FORMAT_TIMESTAMP: expected epoch milliseconds, got {}",
                                     v[0].ToString());
            }
            return JsonValue::String(format->Format(v[0].int_value()));
          },
          true, "string");
    }
    return make(
        [format](std::vector<JsonValue>& v) -> Result<JsonValue> {
          ASSIGN_OR_RETURN(int64_t ms, format->Parse(AsText(v[0])));
          return JsonValue::Int(ms);
        },
        true, "int64");
  }
  return InvalidArgument("position {}: unknown function {}", pos, name);
}

bool IsReserved(const Token& t) {
  static constexpr std::string_view kWords[] = {"SELECT", "FROM", "WHERE", "AS", "AND", "OR"};
  if (t.kind != Token::kIdent) return false;
  for (auto w : kWords) {
    if (EqualsIgnoreCase(t.text, w)) return true;
  }
  return false;
}

Result<std::unique_ptr<SqlExpr>> Parser::Primary() {
  const Token t = Peek();
  if (IsReserved(t)) return Error("an expression");
  if (t.kind == Token::kNumber) {
    Next();
    int64_t n = 0;
    auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
    if (r.ec == std::errc() && r.ptr == t.text.data() + t.text.size()) {
      return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue::Int(n)));
    }
    char* end = nullptr;
    double d = std::strtod(t.text.c_str(), &end);
    if (*end != '\0') return InvalidArgument("position {}: bad number '{}'", t.pos, t.text);
    return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue::Double(d)));
  }
  if (t.kind == Token::kString) {
    Next();
    return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue::String(t.text)));
  }
  if (AcceptSymbol("(")) {
    ASSIGN_OR_RETURN(auto e, Expr());
    RETURN_IF_ERROR(ExpectSymbol(")"));
    return e;
  }
  if (t.kind == Token::kIdent) {
    if (AcceptKeyword("NULL"))
      return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue()));
    if (AcceptKeyword("TRUE")) {
      return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue::Bool(true)));
    }
    if (AcceptKeyword("FALSE")) {
      return std::unique_ptr<SqlExpr>(std::make_unique<Literal>(JsonValue::Bool(false)));
    }
    if (IsKeyword("CASE")) {
      Next();
      auto c = std::make_unique<CaseWhen>();
      while (AcceptKeyword("WHEN")) {
        ASSIGN_OR_RETURN(auto cond, Expr());
        if (!AcceptKeyword("THEN")) return Error("THEN");
        ASSIGN_OR_RETURN(auto then, Expr());
        c->whens.emplace_back(std::move(cond), std::move(then));
      }
      if (c->whens.empty()) return Error("WHEN");
      if (AcceptKeyword("ELSE")) {
        ASSIGN_OR_RETURN(c->otherwise, Expr());
      }
      if (!AcceptKeyword("END")) return Error("END");
      return std::unique_ptr<SqlExpr>(std::move(c));
    }
    if (IsKeyword("CAST") && tokens_[pos_ + 1].text == "(") {
      Next();
      Next();
      ASSIGN_OR_RETURN(auto e, Expr());
      if (!AcceptKeyword("AS")) return Error("AS");
      const Token ty = Next();
      static const std::pair<std::string_view, SqlType> kTypes[] = {
          {"BIGINT", SqlType::kBigint},  {"LONG", SqlType::kBigint},   {"INT", SqlType::kInt},
          {"INTEGER", SqlType::kInt},    {"DOUBLE", SqlType::kDouble}, {"FLOAT", SqlType::kDouble},
          {"VARCHAR", SqlType::kString}, {"STRING", SqlType::kString}, {"TEXT", SqlType::kString},
          {"BOOLEAN", SqlType::kBoolean}};
      for (const auto& [n, st] : kTypes) {
        if (ty.kind == Token::kIdent && EqualsIgnoreCase(ty.text, n)) {
          RETURN_IF_ERROR(ExpectSymbol(")"));
          return std::unique_ptr<SqlExpr>(std::make_unique<CastExpr>(std::move(e), st));
        }
      }
      return InvalidArgument(
          "position {}: unknown type '{}' in CAST; expected BIGINT, INT, DOUBLE, VARCHAR or "
          "BOOLEAN",
          ty.pos, ty.text);
    }
    if (tokens_[pos_ + 1].kind == Token::kSymbol && tokens_[pos_ + 1].text == "(") {
      Next();
      Next();
      std::vector<std::unique_ptr<SqlExpr>> args;
      std::vector<std::optional<JsonValue>> literals;
      if (!AcceptSymbol(")")) {
        do {
          const Token& at = Peek();
          literals.push_back(at.kind == Token::kString
                                 ? std::optional<JsonValue>(JsonValue::String(at.text))
                                 : std::nullopt);
          ASSIGN_OR_RETURN(auto a, Expr());
          args.push_back(std::move(a));
        } while (AcceptSymbol(","));
        RETURN_IF_ERROR(ExpectSymbol(")"));
      }
      return MakeFunction(t.text, std::move(args), literals, t.pos);
    }
  }
  if (t.kind == Token::kIdent || t.kind == Token::kQuotedIdent) {
    std::vector<std::string> parts;
    Next();
    parts.push_back(t.text);
    while (AcceptSymbol(".")) {
      const Token& p = Next();
      if (p.kind != Token::kIdent && p.kind != Token::kQuotedIdent) return Error("a field name");
      parts.push_back(p.text);
    }
    if (t.kind == Token::kIdent && parts.size() == 1) {
      static const std::pair<std::string_view, Meta> kMeta[] = {{"_topic", Meta::kTopic},
                                                                {"_partition", Meta::kPartition},
                                                                {"_offset", Meta::kOffset},
                                                                {"_timestamp", Meta::kTimestamp},
                                                                {"_key", Meta::kKey}};
      for (const auto& [n, m] : kMeta) {
        if (EqualsIgnoreCase(t.text, n)) {
          return std::unique_ptr<SqlExpr>(std::make_unique<MetaColumn>(m));
        }
      }
    }
    return std::unique_ptr<SqlExpr>(std::make_unique<Path>(std::move(parts)));
  }
  return Error("an expression");
}

}  // namespace

SqlQuery::~SqlQuery() = default;

Result<std::unique_ptr<SqlQuery>> SqlQuery::Compile(std::string_view text) {
  ASSIGN_OR_RETURN(auto tokens, Lex(text));
  Parser p(text, tokens);
  std::unique_ptr<SqlQuery> q(new SqlQuery());
  if (!p.AcceptKeyword("SELECT")) return p.Error("SELECT");
  do {
    if (p.AcceptSymbol("*")) {
      q->star_ = true;
      continue;
    }
    size_t start = p.pos();
    const Token first = p.Peek();
    ASSIGN_OR_RETURN(auto e, p.Expr());
    size_t end = p.pos();
    std::string name;
    if (p.AcceptKeyword("AS")) {
      const Token a = p.Next();
      if (a.kind != Token::kIdent && a.kind != Token::kQuotedIdent) return p.Error("an alias");
      name = a.text;
    } else if ((p.Peek().kind == Token::kIdent && !IsReserved(p.Peek())) ||
               p.Peek().kind == Token::kQuotedIdent) {
      name = p.Next().text;  // SELECT a b: alias without AS
    } else if (dynamic_cast<const Path*>(e.get()) != nullptr ||
               dynamic_cast<const MetaColumn*>(e.get()) != nullptr) {
      // A path is named by its last segment, as SQL engines name b.c "c".
      name = std::string(p.SourceBetween(end - 1, end));
      if (!name.empty() && (name.front() == '"' || name.front() == '`')) {
        name = name.substr(1, name.size() - 2);
      }
    } else {
      name = std::string(p.SourceBetween(start, end));
    }
    (void)first;
    for (const auto& c : q->columns_) {
      if (c.name == name) {
        return InvalidArgument("column '{}' is selected twice; give one an alias (AS)", name);
      }
    }
    q->columns_.push_back({std::move(name), std::move(e)});
  } while (p.AcceptSymbol(","));
  if (!p.AcceptKeyword("FROM")) return p.Error("',' or FROM");
  const Token from = p.Next();
  if (from.kind != Token::kIdent && from.kind != Token::kQuotedIdent) {
    return InvalidArgument("position {}: expected a topic name after FROM", from.pos);
  }
  q->from_ = from.text;
  // Topic names may contain '-' and '.': take everything up to WHERE as the name.
  while (p.Peek().kind != Token::kEnd && !p.IsKeyword("WHERE") && !p.IsSymbol(";")) {
    q->from_ += p.Next().text;
  }
  if (p.AcceptKeyword("WHERE")) {
    ASSIGN_OR_RETURN(q->where_, p.Expr());
  }
  p.AcceptSymbol(";");
  if (p.Peek().kind != Token::kEnd) return p.Error("the end of the query");
  return q;
}

std::vector<std::string> SqlQuery::column_names() const {
  std::vector<std::string> out;
  if (star_) out.push_back("*");
  for (const auto& c : columns_) out.push_back(c.name);
  return out;
}

Result<bool> SqlQuery::Evaluate(const JsonValue& value, const SqlRecordContext& ctx, JsonValue* out,
                                const JsonValue* schema, JsonValue* out_schema) const {
  SqlEvalContext c{&value, &ctx, schema};
  if (where_) {
    ASSIGN_OR_RETURN(JsonValue keep, where_->Eval(c));
    if (!Truthy(keep)) return false;  // NULL and false both drop, as in SQL
  }
  *out = star_ && value.is_object() ? value : JsonValue::MakeObject();
  for (const auto& col : columns_) {
    auto v = col.expr->Eval(c);
    if (!v.ok()) return v.status().WithContext(fmt::format("column '{}'", col.name));
    out->Set(col.name, std::move(v).value());
  }
  if (schema && out_schema) {
    JsonValue::Array fields;
    if (star_ && cs::Fields(*schema)) fields = *cs::Fields(*schema);
    for (const auto& col : columns_) {
      JsonValue f = cs::AsField(col.expr->Schema(c), col.name);
      auto it = std::find_if(fields.begin(), fields.end(),
                             [&](const JsonValue& x) { return cs::FieldName(x) == col.name; });
      if (it != fields.end()) {
        *it = std::move(f);
      } else {
        fields.push_back(std::move(f));
      }
    }
    *out_schema = cs::Struct(std::move(fields), schema);
  }
  return true;
}

}  // namespace tributary
