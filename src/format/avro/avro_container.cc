#include "format/avro/avro_container.h"

#include <cstring>

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "common/strings.h"
#include "schema/avro_schema.h"
#include "schema/json_value.h"

namespace tributary {

Result<AvroCodec> ParseAvroCodec(std::string_view name) {
  std::string n = ToLower(name);
  if (n == "null" || n == "none" || n.empty()) return AvroCodec::kNull;
  if (n == "deflate") return AvroCodec::kDeflate;
  if (n == "snappy") return AvroCodec::kSnappy;
  if (n == "zstandard" || n == "zstd") return AvroCodec::kZstandard;
  return InvalidArgument("avro.codec: expected null, deflate, snappy or zstandard, got '{}'", name);
}

std::string_view AvroCodecName(AvroCodec codec) {
  switch (codec) {
    case AvroCodec::kNull:
      return "null";
    case AvroCodec::kDeflate:
      return "deflate";
    case AvroCodec::kSnappy:
      return "snappy";
    case AvroCodec::kZstandard:
      return "zstandard";
  }
  return "null";
}

void AppendAvroLong(int64_t v, std::string* out) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

namespace {

void AppendAvroBytes(std::string_view b, std::string* out) {
  AppendAvroLong(static_cast<int64_t>(b.size()), out);
  out->append(b);
}

// Minimal big-endian two's complement bytes of `v` (at least one byte).
std::string DecimalBytes(__int128 v) {
  std::string be;
  for (int k = 15; k >= 0; --k) be.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * k))));
  size_t start = 0;
  while (start + 1 < be.size()) {
    uint8_t b0 = static_cast<uint8_t>(be[start]), b1 = static_cast<uint8_t>(be[start + 1]);
    if ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xFF && (b1 & 0x80))) {
      ++start;
    } else {
      break;
    }
  }
  return be.substr(start);
}

Status Encode(const Schema& s, const Value& v, const std::string& path, std::string* out) {
  auto where = [&] { return path.empty() ? std::string("value") : path; };
  if (s.optional) {
    bool is_null = v.kind == Value::Kind::kNull;
    AppendAvroLong(is_null == s.null_first ? 0 : 1, out);
    if (is_null) return Status::OK();
  } else if (v.kind == Value::Kind::kNull && s.type != SchemaType::kNull) {
    return InvalidArgument("{}: null for a required {}", where(), Describe(s));
  }
  auto expect = [&](Value::Kind k) -> Status {
    if (v.kind != k) {
      return InvalidArgument("{}: value of kind {} does not match {}", where(),
                             static_cast<int>(v.kind), Describe(s));
    }
    return Status::OK();
  };
  switch (s.type) {
    case SchemaType::kNull:
      return Status::OK();
    case SchemaType::kBoolean:
      RETURN_IF_ERROR(expect(Value::Kind::kBool));
      out->push_back(v.b ? 1 : 0);
      return Status::OK();
    case SchemaType::kInt:
    case SchemaType::kLong:
    case SchemaType::kEnum:
      RETURN_IF_ERROR(expect(Value::Kind::kInt));
      AppendAvroLong(v.i, out);
      return Status::OK();
    case SchemaType::kFloat: {
      RETURN_IF_ERROR(expect(Value::Kind::kDouble));
      float f = static_cast<float>(v.d);
      char b[4];
      std::memcpy(b, &f, 4);  // x86-64 and aarch64 are little-endian, as Avro is
      out->append(b, 4);
      return Status::OK();
    }
    case SchemaType::kDouble: {
      RETURN_IF_ERROR(expect(Value::Kind::kDouble));
      char b[8];
      std::memcpy(b, &v.d, 8);
      out->append(b, 8);
      return Status::OK();
    }
    case SchemaType::kString:
      RETURN_IF_ERROR(expect(Value::Kind::kBytes));
      AppendAvroBytes(v.s, out);
      return Status::OK();
    case SchemaType::kBytes:
      if (s.logical == LogicalType::kDecimal) {
        RETURN_IF_ERROR(expect(Value::Kind::kDecimal));
        AppendAvroBytes(DecimalBytes(v.dec), out);
        return Status::OK();
      }
      RETURN_IF_ERROR(expect(Value::Kind::kBytes));
      AppendAvroBytes(v.s, out);
      return Status::OK();
    case SchemaType::kFixed: {
      if (s.logical == LogicalType::kDecimal) {
        RETURN_IF_ERROR(expect(Value::Kind::kDecimal));
        std::string be = DecimalBytes(v.dec);
        if (be.size() > static_cast<size_t>(s.fixed_size)) {
          return InvalidArgument("{}: decimal does not fit {} bytes", where(), s.fixed_size);
        }
        out->append(s.fixed_size - be.size(), (be[0] & 0x80) ? '\xFF' : '\0');
        out->append(be);
        return Status::OK();
      }
      RETURN_IF_ERROR(expect(Value::Kind::kBytes));
      std::string bytes = v.s;
      if (s.logical == LogicalType::kUuid && bytes.size() == 36) {
        auto raw = UuidBytes(bytes);
        if (!raw) return InvalidArgument("{}: '{}' is not a UUID", where(), bytes);
        bytes = *raw;
      }
      if (bytes.size() != static_cast<size_t>(s.fixed_size)) {
        return InvalidArgument("{}: {} bytes for {}", where(), bytes.size(), Describe(s));
      }
      out->append(bytes);
      return Status::OK();
    }
    case SchemaType::kRecord: {
      RETURN_IF_ERROR(expect(Value::Kind::kList));
      if (v.items.size() != s.fields.size()) {
        return InvalidArgument("{}: {} values for {} fields", where(), v.items.size(),
                               s.fields.size());
      }
      for (size_t k = 0; k < s.fields.size(); ++k) {
        RETURN_IF_ERROR(Encode(s.fields[k].schema, v.items[k],
                               path.empty() ? s.fields[k].name : path + "." + s.fields[k].name,
                               out));
      }
      return Status::OK();
    }
    case SchemaType::kArray:
      RETURN_IF_ERROR(expect(Value::Kind::kList));
      if (!v.items.empty()) {
        AppendAvroLong(static_cast<int64_t>(v.items.size()), out);
        for (size_t k = 0; k < v.items.size(); ++k) {
          RETURN_IF_ERROR(Encode(s.items(), v.items[k], fmt::format("{}[{}]", where(), k), out));
        }
      }
      out->push_back(0);
      return Status::OK();
    case SchemaType::kMap:
      RETURN_IF_ERROR(expect(Value::Kind::kMap));
      if (!v.items.empty()) {
        AppendAvroLong(static_cast<int64_t>(v.items.size()), out);
        for (size_t k = 0; k < v.items.size(); ++k) {
          AppendAvroBytes(v.keys[k], out);
          RETURN_IF_ERROR(Encode(s.values(), v.items[k], where() + "." + v.keys[k], out));
        }
      }
      out->push_back(0);
      return Status::OK();
  }
  return Internal("{}: unknown schema type", where());
}

}  // namespace

Status EncodeAvro(const Schema& schema, const Value& value, std::string* out) {
  return Encode(schema, value, "", out);
}

AvroContainerWriter::AvroContainerWriter(OutputStream* out, Schema schema,
                                         AvroContainerOptions options)
    : out_(out), schema_(std::move(schema)), options_(std::move(options)) {
  std::string hex = RandomHex(32);
  for (size_t k = 0; k < 32; k += 2) {
    sync_.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
  }
}

void AvroContainerWriter::AddMetadata(std::string key, std::string value) {
  options_.metadata.emplace_back(std::move(key), std::move(value));
}

Status AvroContainerWriter::Append(const Value& value) {
  if (closed_) return Internal("Avro writer: append after close");
  size_t before = block_.size();
  Status st = EncodeAvro(schema_, value, &block_);
  if (!st.ok()) {
    block_.resize(before);  // the value is not written at all
    return st;
  }
  ++block_count_;
  ++total_;
  if (block_.size() >= options_.block_bytes) return FlushBlock();
  return Status::OK();
}

Status AvroContainerWriter::AppendEncoded(std::string_view datum) {
  if (closed_) return Internal("Avro writer: append after close");
  block_.append(datum);
  ++block_count_;
  ++total_;
  if (block_.size() >= options_.block_bytes) return FlushBlock();
  return Status::OK();
}

Status AvroContainerWriter::WriteHeader() {
  std::string h("Obj\x01", 4);
  std::vector<std::pair<std::string, std::string>> meta = {
      {"avro.schema", AvroSchemaJson(schema_)},
      {"avro.codec", std::string(AvroCodecName(options_.codec))}};
  for (const auto& kv : options_.metadata) meta.push_back(kv);
  AppendAvroLong(static_cast<int64_t>(meta.size()), &h);
  for (const auto& [k, v] : meta) {
    AppendAvroBytes(k, &h);
    AppendAvroBytes(v, &h);
  }
  h.push_back(0);
  h.append(sync_);
  header_written_ = true;
  return out_->Append(h);
}

Status AvroContainerWriter::FlushBlock() {
  if (!header_written_) RETURN_IF_ERROR(WriteHeader());
  if (block_count_ == 0) return Status::OK();
  std::string_view data = block_;
  switch (options_.codec) {
    case AvroCodec::kNull:
      break;
    case AvroCodec::kDeflate: {
      z_stream z{};
      int level = options_.level < 0 ? Z_DEFAULT_COMPRESSION : options_.level;
      if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Internal("deflateInit2 failed");
      }
      scratch_.resize(deflateBound(&z, block_.size()));
      z.next_in = reinterpret_cast<Bytef*>(block_.data());
      z.avail_in = static_cast<uInt>(block_.size());
      z.next_out = reinterpret_cast<Bytef*>(scratch_.data());
      z.avail_out = static_cast<uInt>(scratch_.size());
      int rc = deflate(&z, Z_FINISH);
      size_t n = z.total_out;
      deflateEnd(&z);
      if (rc != Z_STREAM_END) return Internal("deflate failed ({})", rc);
      scratch_.resize(n);
      data = scratch_;
      break;
    }
    case AvroCodec::kSnappy: {
      scratch_.clear();
      snappy::Compress(block_.data(), block_.size(), &scratch_);
      uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(block_.data()),
                                                 static_cast<uInt>(block_.size())));
      for (int k = 3; k >= 0; --k) scratch_.push_back(static_cast<char>(crc >> (8 * k)));
      data = scratch_;
      break;
    }
    case AvroCodec::kZstandard: {
      scratch_.resize(ZSTD_compressBound(block_.size()));
      int level = options_.level <= 0 ? 3 : options_.level;
      size_t n =
          ZSTD_compress(scratch_.data(), scratch_.size(), block_.data(), block_.size(), level);
      if (ZSTD_isError(n)) return Internal("zstd: {}", ZSTD_getErrorName(n));
      scratch_.resize(n);
      data = scratch_;
      break;
    }
  }
  std::string head;
  AppendAvroLong(static_cast<int64_t>(block_count_), &head);
  AppendAvroLong(static_cast<int64_t>(data.size()), &head);
  RETURN_IF_ERROR(out_->Append(head));
  RETURN_IF_ERROR(out_->Append(data));
  RETURN_IF_ERROR(out_->Append(sync_));
  block_.clear();
  block_count_ = 0;
  return Status::OK();
}

Status AvroContainerWriter::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  return FlushBlock();
}

}  // namespace tributary
