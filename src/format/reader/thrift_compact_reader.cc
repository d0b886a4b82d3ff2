#include "format/reader/thrift_compact_reader.h"

#include <cstring>

namespace tributary::reader {
namespace {

constexpr int kMaxDepth = 64;

// Compact type codes.
enum : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12
};

class Decoder {
 public:
  explicit Decoder(std::string_view* in) : in_(in) {}

  bool Struct(ThriftValue* out, int depth) {
    if (depth > kMaxDepth) return false;
    out->type = ThriftValue::Type::kStruct;
    int16_t last = 0;
    while (true) {
      uint8_t h;
      if (!Byte(&h)) return false;
      uint8_t type = h & 0x0F;
      if (type == kStop) return true;
      int16_t id;
      if (h >> 4) {
        id = static_cast<int16_t>(last + (h >> 4));
      } else {
        int64_t v;
        if (!Zigzag(&v)) return false;
        id = static_cast<int16_t>(v);
      }
      last = id;
      out->fields.emplace_back(id, ThriftValue{});
      ThriftValue& f = out->fields.back().second;
      if (type == kTrue || type == kFalse) {
        f.type = ThriftValue::Type::kBool;
        f.i = type == kTrue ? 1 : 0;
        continue;
      }
      if (!Value(type, &f, depth)) return false;
    }
  }

 private:
  bool Value(uint8_t type, ThriftValue* v, int depth) {
    switch (type) {
      case kTrue:
      case kFalse: {  // only inside lists: one byte
        uint8_t b;
        if (!Byte(&b)) return false;
        v->type = ThriftValue::Type::kBool;
        v->i = b == 1 ? 1 : 0;
        return true;
      }
      case kByte: {
        uint8_t b;
        if (!Byte(&b)) return false;
        v->type = ThriftValue::Type::kInt;
        v->i = static_cast<int8_t>(b);
        return true;
      }
      case kI16:
      case kI32:
      case kI64:
        v->type = ThriftValue::Type::kInt;
        return Zigzag(&v->i);
      case kDouble:
        if (in_->size() < 8) return false;
        v->type = ThriftValue::Type::kDouble;
        std::memcpy(&v->d, in_->data(), 8);
        in_->remove_prefix(8);
        return true;
      case kBinary: {
        uint64_t n;
        if (!Varint(&n) || n > in_->size()) return false;
        v->type = ThriftValue::Type::kBinary;
        v->binary = in_->substr(0, n);
        in_->remove_prefix(n);
        return true;
      }
      case kList:
      case kSet: {
        uint8_t h;
        if (!Byte(&h)) return false;
        uint64_t n = h >> 4;
        if (n == 15 && !Varint(&n)) return false;
        if (n > in_->size()) return false;  // every element takes at least one byte
        v->type = ThriftValue::Type::kList;
        v->list.resize(n);
        for (auto& e : v->list) {
          if (!Element(h & 0x0F, &e, depth + 1)) return false;
        }
        return true;
      }
      case kMap: {
        uint64_t n;
        if (!Varint(&n)) return false;
        v->type = ThriftValue::Type::kList;
        if (n == 0) return true;
        uint8_t kv;
        if (!Byte(&kv) || n > in_->size()) return false;
        v->list.resize(2 * n);
        for (uint64_t k = 0; k < n; ++k) {
          if (!Element(kv >> 4, &v->list[2 * k], depth + 1) ||
              !Element(kv & 0x0F, &v->list[2 * k + 1], depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case kStruct:
        return Struct(v, depth + 1);
      default:
        return false;
    }
  }
  bool Element(uint8_t type, ThriftValue* v, int depth) {
    if (depth > kMaxDepth) return false;
    return Value(type, v, depth);
  }
  bool Byte(uint8_t* b) {
    if (in_->empty()) return false;
    *b = static_cast<uint8_t>((*in_)[0]);
    in_->remove_prefix(1);
    return true;
  }
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      if (!Byte(&b)) return false;
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Zigzag(int64_t* v) {
    uint64_t z;
    if (!Varint(&z)) return false;
    *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    return true;
  }

  std::string_view* in_;
};

}  // namespace

const ThriftValue* ThriftValue::Field(int16_t id) const {
  for (const auto& [k, v] : fields) {
    if (k == id) return &v;
  }
  return nullptr;
}

int64_t ThriftValue::Int(int16_t id, int64_t fallback) const {
  const ThriftValue* f = Field(id);
  return f && (f->type == Type::kInt || f->type == Type::kBool) ? f->i : fallback;
}

std::string_view ThriftValue::Binary(int16_t id) const {
  const ThriftValue* f = Field(id);
  return f && f->type == Type::kBinary ? f->binary : std::string_view();
}

bool ReadThriftStruct(std::string_view* in, ThriftValue* out) {
  *out = ThriftValue{};
  Decoder d(in);
  return d.Struct(out, 0);
}

}  // namespace tributary::reader
