#include "schema/avro_decoder.h"

#include <cstring>

namespace tributary {
namespace {

class Decoder {
 public:
  explicit Decoder(std::string_view* in) : in_(in) {}

  Status Decode(const Schema& s, const std::string& path, Value* out) {
    auto where = [&] { return path.empty() ? std::string("value") : path; };
    if (s.optional) {
      int64_t branch = 0;
      RETURN_IF_ERROR(Long(&branch, where()));
      bool is_null = (branch == 0) == s.null_first;
      if (branch != 0 && branch != 1) {
        return InvalidArgument("{}: union branch {} of a 2-branch union", where(), branch);
      }
      if (is_null) {
        *out = Value::Null();
        return Status::OK();
      }
    }
    switch (s.type) {
      case SchemaType::kNull:
        *out = Value::Null();
        return Status::OK();
      case SchemaType::kBoolean: {
        std::string_view b;
        RETURN_IF_ERROR(Take(1, &b, where()));
        *out = Value::Bool(b[0] != 0);
        return Status::OK();
      }
      case SchemaType::kInt:
      case SchemaType::kLong:
      case SchemaType::kEnum: {
        int64_t v = 0;
        RETURN_IF_ERROR(Long(&v, where()));
        if (s.type == SchemaType::kEnum && (v < 0 || static_cast<size_t>(v) >= s.symbols.size())) {
          return InvalidArgument("{}: enum index {} out of range", where(), v);
        }
        *out = Value::Int(v);
        return Status::OK();
      }
      case SchemaType::kFloat: {
        std::string_view b;
        RETURN_IF_ERROR(Take(4, &b, where()));
        float f;
        std::memcpy(&f, b.data(), 4);
        *out = Value::Double(f);
        return Status::OK();
      }
      case SchemaType::kDouble: {
        std::string_view b;
        RETURN_IF_ERROR(Take(8, &b, where()));
        double d;
        std::memcpy(&d, b.data(), 8);
        *out = Value::Double(d);
        return Status::OK();
      }
      case SchemaType::kString:
      case SchemaType::kBytes:
      case SchemaType::kFixed: {
        std::string_view b;
        if (s.type == SchemaType::kFixed) {
          RETURN_IF_ERROR(Take(static_cast<size_t>(s.fixed_size), &b, where()));
        } else {
          int64_t n = 0;
          RETURN_IF_ERROR(Long(&n, where()));
          if (n < 0) return InvalidArgument("{}: negative length {}", where(), n);
          RETURN_IF_ERROR(Take(static_cast<size_t>(n), &b, where()));
        }
        if (s.logical == LogicalType::kDecimal) {
          if (b.empty() || b.size() > 16) {
            return InvalidArgument("{}: decimal of {} bytes (1..16 supported)", where(), b.size());
          }
          __int128 v = static_cast<signed char>(b[0]);
          for (size_t k = 1; k < b.size(); ++k) v = v * 256 + static_cast<uint8_t>(b[k]);
          *out = Value::Decimal(v);
          return Status::OK();
        }
        *out = Value::Bytes(std::string(b));
        return Status::OK();
      }
      case SchemaType::kRecord:
        out->kind = Value::Kind::kList;
        out->items.resize(s.fields.size());
        for (size_t k = 0; k < s.fields.size(); ++k) {
          RETURN_IF_ERROR(Decode(s.fields[k].schema,
                                 path.empty() ? s.fields[k].name : path + "." + s.fields[k].name,
                                 &out->items[k]));
        }
        return Status::OK();
      case SchemaType::kArray:
      case SchemaType::kMap: {
        bool map = s.type == SchemaType::kMap;
        out->kind = map ? Value::Kind::kMap : Value::Kind::kList;
        out->items.clear();
        out->keys.clear();
        while (true) {
          int64_t count = 0;
          RETURN_IF_ERROR(Long(&count, where()));
          if (count == 0) break;
          if (count < 0) {
            count = -count;
            int64_t block_bytes = 0;
            RETURN_IF_ERROR(Long(&block_bytes, where()));
          }
          if (static_cast<uint64_t>(count) > in_->size()) {
            return InvalidArgument("{}: block of {} items in {} bytes", where(), count,
                                   in_->size());
          }
          for (int64_t k = 0; k < count; ++k) {
            if (map) {
              int64_t n = 0;
              std::string_view key;
              RETURN_IF_ERROR(Long(&n, where()));
              if (n < 0) return InvalidArgument("{}: negative key length", where());
              RETURN_IF_ERROR(Take(static_cast<size_t>(n), &key, where()));
              out->keys.emplace_back(key);
            }
            out->items.emplace_back();
            RETURN_IF_ERROR(Decode(s.fields[0].schema,
                                   map ? where() + "." + out->keys.back()
                                       : fmt::format("{}[{}]", where(), out->items.size() - 1),
                                   &out->items.back()));
          }
        }
        return Status::OK();
      }
    }
    return Internal("{}: unknown schema type", where());
  }

 private:
  Status Long(int64_t* v, const std::string& where) {
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (in_->empty()) return InvalidArgument("{}: truncated varint", where);
      uint8_t b = static_cast<uint8_t>((*in_)[0]);
      in_->remove_prefix(1);
      z |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
        return Status::OK();
      }
    }
    return InvalidArgument("{}: varint longer than 10 bytes", where);
  }
  Status Take(size_t n, std::string_view* out, const std::string& where) {
    if (in_->size() < n)
      return InvalidArgument("{}: truncated ({} bytes needed, {} left)", where, n, in_->size());
    *out = in_->substr(0, n);
    in_->remove_prefix(n);
    return Status::OK();
  }

  std::string_view* in_;
};

}  // namespace

Status DecodeAvro(const Schema& schema, std::string_view* in, Value* out) {
  Decoder d(in);
  return d.Decode(schema, "", out);
}

}  // namespace tributary
