#include "kafka/protocol/codec.h"

#include <algorithm>
#include <cstring>

namespace tributary::kafka {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }

  bool Bytes(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  template <typename T>
  bool Fixed(T* out) {
    if (remaining() < sizeof(T)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    }
    pos_ += sizeof(T);
    *out = static_cast<T>(v);
    return true;
  }
  bool UVarint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return false;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

template <typename T>
void PutFixed(T v, std::string* out) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = sizeof(T) - 1; i >= 0; --i) out->push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

void PutUVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

Status Truncated(std::string_view what) { return Corruption("{}: truncated", what); }

// Length of a string (16-bit classic) or bytes/array (32-bit classic); -1 means null.
bool ReadLength(Reader& r, bool flexible, bool wide, int64_t* len) {
  if (flexible) {
    uint64_t v = 0;
    if (!r.UVarint(&v)) return false;
    *len = static_cast<int64_t>(v) - 1;
    return true;
  }
  if (wide) {
    int32_t v = 0;
    if (!r.Fixed(&v)) return false;
    *len = v;
    return true;
  }
  int16_t v = 0;
  if (!r.Fixed(&v)) return false;
  *len = v;
  return true;
}

void PutLength(int64_t len, bool flexible, bool wide, std::string* out) {
  if (flexible) {
    PutUVarint(static_cast<uint64_t>(len + 1), out);
  } else if (wide) {
    PutFixed<int32_t>(static_cast<int32_t>(len), out);
  } else {
    PutFixed<int16_t>(static_cast<int16_t>(len), out);
  }
}

Status DecodeInto(const StructDef& def, int version, bool flexible, Reader& r, Struct* out);

bool ReadInt(Reader& r, FieldType type, int64_t* v) {
  switch (type) {
    case FieldType::kBool:
    case FieldType::kInt8: {
      int8_t x = 0;
      if (!r.Fixed(&x)) return false;
      *v = type == FieldType::kBool ? (x != 0) : x;
      return true;
    }
    case FieldType::kInt16: {
      int16_t x = 0;
      if (!r.Fixed(&x)) return false;
      *v = x;
      return true;
    }
    case FieldType::kUint16: {
      uint16_t x = 0;
      if (!r.Fixed(&x)) return false;
      *v = x;
      return true;
    }
    case FieldType::kInt32: {
      int32_t x = 0;
      if (!r.Fixed(&x)) return false;
      *v = x;
      return true;
    }
    case FieldType::kInt64:
    case FieldType::kFloat64: {
      int64_t x = 0;
      if (!r.Fixed(&x)) return false;
      *v = x;
      return true;
    }
    default:
      return false;
  }
}

void PutInt(FieldType type, int64_t v, std::string* out) {
  switch (type) {
    case FieldType::kBool:
      out->push_back(v ? 1 : 0);
      break;
    case FieldType::kInt8:
      PutFixed<int8_t>(static_cast<int8_t>(v), out);
      break;
    case FieldType::kInt16:
      PutFixed<int16_t>(static_cast<int16_t>(v), out);
      break;
    case FieldType::kUint16:
      PutFixed<uint16_t>(static_cast<uint16_t>(v), out);
      break;
    case FieldType::kInt32:
      PutFixed<int32_t>(static_cast<int32_t>(v), out);
      break;
    default:
      PutFixed<int64_t>(v, out);
      break;
  }
}

bool IsInteger(FieldType t) {
  return t == FieldType::kBool || t == FieldType::kInt8 || t == FieldType::kInt16 ||
         t == FieldType::kUint16 || t == FieldType::kInt32 || t == FieldType::kInt64 ||
         t == FieldType::kFloat64;
}

Status DecodeField(const FieldDef& f, int version, bool flexible, Reader& r, Value* v) {
  if (IsInteger(f.type)) {
    if (!ReadInt(r, f.type, &v->i)) return Truncated(f.name);
    return Status::OK();
  }
  switch (f.type) {
    case FieldType::kUuid: {
      std::string_view b;
      if (!r.Bytes(16, &b)) return Truncated(f.name);
      v->s.assign(b);
      return Status::OK();
    }
    case FieldType::kString:
    case FieldType::kBytes:
    case FieldType::kRecords: {
      int64_t len = 0;
      if (!ReadLength(r, flexible, f.type != FieldType::kString, &len)) return Truncated(f.name);
      if (len < 0) {
        if (!f.nullable.Contains(version)) {
          return Corruption("{}: null, but not nullable in version {}", f.name, version);
        }
        v->null = true;
        v->s.clear();
        return Status::OK();
      }
      std::string_view b;
      if (!r.Bytes(static_cast<size_t>(len), &b)) return Truncated(f.name);
      v->null = false;
      v->s.assign(b);
      return Status::OK();
    }
    case FieldType::kArray:
    case FieldType::kStructArray: {
      int64_t n = 0;
      if (!ReadLength(r, flexible, true, &n)) return Truncated(f.name);
      if (n < 0) {
        if (!f.nullable.Contains(version)) {
          return Corruption("{}: null, but not nullable in version {}", f.name, version);
        }
        v->null = true;
        return Status::OK();
      }
      v->null = false;
      // Every element takes at least one byte: a count above the bytes left is corrupt
      // (and must not make us reserve gigabytes).
      if (static_cast<uint64_t>(n) > r.remaining()) {
        return Corruption("{}: {} elements but {} bytes left", f.name, n, r.remaining());
      }
      if (f.type == FieldType::kStructArray) {
        v->structs.clear();
        v->structs.reserve(static_cast<size_t>(n));
        for (int64_t k = 0; k < n; ++k) {
          Struct element(f.fields.get());
          Status st = DecodeInto(*f.fields, version, flexible, r, &element);
          if (!st.ok()) return st.WithContext(fmt::format("{}[{}]", f.name, k));
          v->structs.push_back(std::move(element));
        }
        return Status::OK();
      }
      for (int64_t k = 0; k < n; ++k) {
        if (IsInteger(f.element)) {
          int64_t x = 0;
          if (!ReadInt(r, f.element, &x)) return Truncated(f.name);
          v->ints.push_back(x);
        } else if (f.element == FieldType::kString) {
          int64_t len = 0;
          std::string_view b;
          if (!ReadLength(r, flexible, false, &len) || len < 0 ||
              !r.Bytes(static_cast<size_t>(len), &b)) {
            return Truncated(f.name);
          }
          v->strs.emplace_back(b);
        } else {
          std::string_view b;
          if (!r.Bytes(16, &b)) return Truncated(f.name);
          v->strs.emplace_back(b);
        }
      }
      return Status::OK();
    }
    default:
      return Internal("{}: unhandled type", f.name);
  }
}

Status DecodeInto(const StructDef& def, int version, bool flexible, Reader& r, Struct* out) {
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (!f.versions.Contains(version) || f.tag >= 0) continue;
    RETURN_IF_ERROR(DecodeField(f, version, flexible, r, &out->values()[i]));
  }
  if (!flexible) return Status::OK();
  uint64_t count = 0;
  if (!r.UVarint(&count)) return Truncated("tagged fields");
  int64_t last_tag = -1;
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t tag = 0, size = 0;
    std::string_view b;
    if (!r.UVarint(&tag) || !r.UVarint(&size) || !r.Bytes(size, &b)) {
      return Truncated("tagged fields");
    }
    if (static_cast<int64_t>(tag) <= last_tag) {
      return Corruption("tagged fields: tag {} after tag {}", tag, last_tag);
    }
    last_tag = static_cast<int64_t>(tag);
    int known = -1;
    for (size_t i = 0; i < def.fields.size(); ++i) {
      if (def.fields[i].tag == static_cast<int>(tag) && def.fields[i].versions.Contains(version)) {
        known = static_cast<int>(i);
      }
    }
    if (known < 0) {
      out->unknown_tags().push_back({static_cast<uint32_t>(tag), std::string(b)});
      continue;
    }
    Reader sub(b);
    RETURN_IF_ERROR(DecodeField(def.fields[known], version, flexible, sub, &out->values()[known]));
    if (sub.remaining() != 0) {
      return Corruption("{}: {} bytes left in the tagged field", def.fields[known].name,
                        sub.remaining());
    }
  }
  return Status::OK();
}

void EncodeField(const FieldDef& f, const Value& v, int version, bool flexible, std::string* out) {
  if (IsInteger(f.type)) {
    PutInt(f.type, v.i, out);
    return;
  }
  switch (f.type) {
    case FieldType::kUuid: {
      std::string id = v.s;
      id.resize(16, '\0');
      out->append(id);
      return;
    }
    case FieldType::kString:
    case FieldType::kBytes:
    case FieldType::kRecords: {
      bool wide = f.type != FieldType::kString;
      if (v.null && f.nullable.Contains(version)) {
        PutLength(-1, flexible, wide, out);
        return;
      }
      PutLength(static_cast<int64_t>(v.s.size()), flexible, wide, out);
      out->append(v.s);
      return;
    }
    case FieldType::kArray:
    case FieldType::kStructArray: {
      if (v.null && f.nullable.Contains(version)) {
        PutLength(-1, flexible, true, out);
        return;
      }
      if (f.type == FieldType::kStructArray) {
        PutLength(static_cast<int64_t>(v.structs.size()), flexible, true, out);
        for (const Struct& s : v.structs) EncodeStruct(s, version, flexible, out);
        return;
      }
      bool ints = IsInteger(f.element);
      PutLength(static_cast<int64_t>(ints ? v.ints.size() : v.strs.size()), flexible, true, out);
      if (ints) {
        for (int64_t x : v.ints) PutInt(f.element, x, out);
      } else {
        for (const std::string& s : v.strs) {
          if (f.element == FieldType::kString) {
            PutLength(static_cast<int64_t>(s.size()), flexible, false, out);
            out->append(s);
          } else {
            std::string id = s;
            id.resize(16, '\0');
            out->append(id);
          }
        }
      }
      return;
    }
    default:
      return;
  }
}

bool IsDefault(const FieldDef& f, const Value& v) {
  if (IsInteger(f.type)) return v.i == f.default_int;
  switch (f.type) {
    case FieldType::kUuid:
      return v.s == std::string(16, '\0') || v.s.empty();
    case FieldType::kArray:
      return !v.null && v.ints.empty() && v.strs.empty();
    case FieldType::kStructArray:
      return !v.null && v.structs.empty();
    default:
      return v.null == f.default_null && (v.null || v.s == f.default_str);
  }
}

}  // namespace

void EncodeStruct(const Struct& value, int version, bool flexible, std::string* out) {
  const StructDef& def = *value.def();
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (!f.versions.Contains(version) || f.tag >= 0) continue;
    EncodeField(f, value.values()[i], version, flexible, out);
  }
  if (!flexible) return;
  std::vector<RawTaggedField> tagged = value.unknown_tags();
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (f.tag < 0 || !f.versions.Contains(version) || IsDefault(f, value.values()[i])) continue;
    RawTaggedField raw{static_cast<uint32_t>(f.tag), {}};
    EncodeField(f, value.values()[i], version, flexible, &raw.bytes);
    tagged.push_back(std::move(raw));
  }
  std::sort(tagged.begin(), tagged.end(),
            [](const RawTaggedField& a, const RawTaggedField& b) { return a.tag < b.tag; });
  PutUVarint(tagged.size(), out);
  for (const RawTaggedField& t : tagged) {
    PutUVarint(t.tag, out);
    PutUVarint(t.bytes.size(), out);
    out->append(t.bytes);
  }
}

Result<Struct> DecodeStruct(const StructDef& def, int version, bool flexible,
                            std::string_view bytes) {
  Reader r(bytes);
  Struct out(&def);
  Status st = DecodeInto(def, version, flexible, r, &out);
  if (!st.ok()) return st.WithContext(fmt::format("{} v{}", def.name, version));
  if (r.remaining() != 0) {
    return Corruption("{} v{}: {} bytes left over after the last field", def.name, version,
                      r.remaining());
  }
  return out;
}

Result<RequestHeader> DecodeRequestHeader(std::string_view frame, const MessageTable& table) {
  Reader r(frame);
  RequestHeader h;
  if (!r.Fixed(&h.api_key) || !r.Fixed(&h.api_version) || !r.Fixed(&h.correlation_id)) {
    return Corruption("request header: truncated");
  }
  int16_t len = 0;
  if (!r.Fixed(&len)) return Corruption("request header: truncated client id");
  if (len >= 0) {
    std::string_view b;
    if (!r.Bytes(static_cast<size_t>(len), &b))
      return Corruption("request header: truncated client id");
    h.client_id = std::string(b);
  }
  const ApiDef* api = table.Find(h.api_key);
  // An ApiVersions request of a version we do not know is answered from its header
  // alone; its header may be v1 or v2, so its tagged fields are left unread.
  bool unknown_api_versions = api && api->key == 18 && !api->versions.Contains(h.api_version);
  if (api && api->IsFlexible(h.api_version) && !unknown_api_versions) {
    uint64_t count = 0;
    if (!r.UVarint(&count)) return Corruption("request header: truncated tagged fields");
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t tag = 0, size = 0;
      std::string_view b;
      if (!r.UVarint(&tag) || !r.UVarint(&size) || !r.Bytes(size, &b)) {
        return Corruption("request header: truncated tagged fields");
      }
      h.tags.push_back({static_cast<uint32_t>(tag), std::string(b)});
    }
  }
  h.size = r.pos();
  return h;
}

void EncodeRequestHeader(const RequestHeader& h, bool flexible, std::string* out) {
  PutFixed(h.api_key, out);
  PutFixed(h.api_version, out);
  PutFixed(h.correlation_id, out);
  if (h.client_id) {
    PutFixed<int16_t>(static_cast<int16_t>(h.client_id->size()), out);
    out->append(*h.client_id);
  } else {
    PutFixed<int16_t>(-1, out);
  }
  if (flexible) {
    PutUVarint(h.tags.size(), out);
    for (const RawTaggedField& t : h.tags) {
      PutUVarint(t.tag, out);
      PutUVarint(t.bytes.size(), out);
      out->append(t.bytes);
    }
  }
}

int ResponseHeaderVersion(int api_key, bool flexible) {
  constexpr int kApiVersionsKey = 18;
  if (api_key == kApiVersionsKey) return 0;
  return flexible ? 1 : 0;
}

std::string EncodeResponseFrame(int32_t correlation_id, int api_key, int version, bool flexible,
                                const Struct& body) {
  std::string out(4, '\0');
  PutFixed(correlation_id, &out);
  if (ResponseHeaderVersion(api_key, flexible) == 1) PutUVarint(0, &out);
  EncodeStruct(body, version, flexible, &out);
  uint32_t size = static_cast<uint32_t>(out.size() - 4);
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((size >> (24 - 8 * i)) & 0xff);
  return out;
}

}  // namespace tributary::kafka
