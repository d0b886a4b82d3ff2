// JsonValue: a small mutable JSON document, the working form of record keys and values
// while transforms run.
//
// Parsed with simdjson (DOM) and serialised compactly: no whitespace, members in
// insertion order (Connect's field order for structs, the input's order for maps), so a
// value that no transform changed serialises to the compact form of its input. Numbers
// keep their kind: integers as int64 (or uint64 beyond int64's range), everything else as
// double, written the way Java's Double.toString writes it (`1.0`, `1.5E10`), as
// JsonConverter (Jackson) does.
//
// Thread safety: a value; distinct objects may be used from distinct threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/status.h"

namespace tributary {

class JsonValue {
 public:
  enum class Type : uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };
  using Array = std::vector<JsonValue>;
  using Member = std::pair<std::string, JsonValue>;
  using Object = std::vector<Member>;

  JsonValue() = default;  // null
  static JsonValue Bool(bool b) { return JsonValue(std::in_place_index<1>, b); }
  static JsonValue Int(int64_t i) { return JsonValue(std::in_place_index<2>, i); }
  static JsonValue Uint(uint64_t u) { return JsonValue(std::in_place_index<3>, u); }
  static JsonValue Double(double d) { return JsonValue(std::in_place_index<4>, d); }
  static JsonValue String(std::string s) { return JsonValue(std::in_place_index<5>, std::move(s)); }
  static JsonValue MakeArray(Array a = {}) {
    return JsonValue(std::in_place_index<6>, std::move(a));
  }
  static JsonValue MakeObject(Object o = {}) {
    return JsonValue(std::in_place_index<7>, std::move(o));
  }

  // Parses one JSON document. InvalidArgument with simdjson's reason when it is not JSON.
  static Result<JsonValue> Parse(std::string_view text);

  // A nested object or array stays in its compact text form until something looks inside
  // (type() answers without parsing), so the fields no transform touches cost one copy.
  Type type() const {
    if (v_.index() == kRawIndex) {
      return std::get<kRawIndex>(v_).text.front() == '{' ? Type::kObject : Type::kArray;
    }
    return static_cast<Type>(v_.index());
  }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_integer() const { return type() == Type::kInt || type() == Type::kUint; }
  bool is_number() const { return is_integer() || type() == Type::kDouble; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  // Accessors; the caller checks the type first.
  bool bool_value() const { return std::get<1>(v_); }
  int64_t int_value() const {
    return type() == Type::kUint ? static_cast<int64_t>(std::get<3>(v_)) : std::get<2>(v_);
  }
  uint64_t uint_value() const { return std::get<3>(v_); }
  // Any number as a double.
  double number_value() const;
  const std::string& str() const { return std::get<5>(v_); }
  std::string& str() { return std::get<5>(v_); }
  const Array& array() const { return std::get<6>(Materialized()); }
  Array& array() { return std::get<6>(Materialized()); }
  const Object& object() const { return std::get<7>(Materialized()); }
  Object& object() { return std::get<7>(Materialized()); }

  // Object members by name (the first one when a name repeats); nullptr when absent or
  // when this is not an object.
  const JsonValue* Find(std::string_view name) const;
  JsonValue* Find(std::string_view name);
  // Replaces the member's value, or appends the member. This must be an object.
  JsonValue& Set(std::string_view name, JsonValue value);
  // Removes the member; false when absent.
  bool Erase(std::string_view name);

  // Compact JSON text appended to `out`.
  void AppendTo(std::string* out) const;
  std::string ToString() const {
    std::string s;
    AppendTo(&s);
    return s;
  }

  bool operator==(const JsonValue& other) const { return Materialized() == other.Materialized(); }

 private:
  struct RawJson {
    std::string text;  // compact JSON text of an object or array
    bool operator==(const RawJson& o) const { return text == o.text; }
  };
  static constexpr size_t kRawIndex = 8;
  using Storage = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array,
                               Object, RawJson>;
  // Built in place: moving a whole variant trips GCC 12's -Wmaybe-uninitialized under
  // the sanitizers.
  template <size_t I, typename... A>
  explicit JsonValue(std::in_place_index_t<I> tag, A&&... args)
      : v_(tag, std::forward<A>(args)...) {}
  friend JsonValue FromDomElement(const void* element, int depth);
  void AppendObject(std::string* out) const;
  // The storage with a RawJson parsed into an Array or Object (in place).
  Storage& Materialized() const;
  // Mutable: parsing a RawJson on first access does not change the value's meaning.
  mutable Storage v_;
};

// Appends a double as Java's Double.toString writes it ("1.0", "0.001", "1.0E-4", "1.5E10").
void AppendJavaDouble(double d, std::string* out);

}  // namespace tributary
