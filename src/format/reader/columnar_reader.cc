#include "format/reader/columnar_reader.h"

#include <charconv>

#include "format/reader/avro_reader.h"
#include "format/reader/parquet_reader.h"

namespace tributary {
namespace {

template <typename T>
bool ParseNumber(const std::string& s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::optional<std::string> ColumnarFileInfo::Get(const std::string& key) const {
  for (const auto& [k, v] : metadata) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<ColumnarFileInfo::Origin> ColumnarFileInfo::TributaryOrigin() const {
  auto topic = Get("tributary.topic");
  if (!topic) return std::nullopt;
  Origin o;
  o.topic = *topic;
  if (auto p = Get("tributary.partition"); p && !ParseNumber(*p, &o.partition)) return std::nullopt;
  if (auto f = Get("tributary.offset.first"); f && !ParseNumber(*f, &o.first_offset))
    return std::nullopt;
  if (auto l = Get("tributary.offset.last"); l && !ParseNumber(*l, &o.last_offset))
    return std::nullopt;
  if (auto n = Get("tributary.record.count"); n && !ParseNumber(*n, &o.records))
    return std::nullopt;
  return o;
}

Result<std::unique_ptr<RecordReader>> MakeColumnarReader(FormatKind kind, std::string name,
                                                         std::string bytes,
                                                         ColumnarFileInfo* info) {
  switch (kind) {
    case FormatKind::kAvro:
      return MakeAvroReader(std::move(name), std::move(bytes), info);
    case FormatKind::kParquet:
      return MakeParquetReader(std::move(name), std::move(bytes), info);
    default:
      return InvalidArgument(
          "{}: not a columnar format (Avro or Parquet); row formats have their own readers", name);
  }
}

}  // namespace tributary
