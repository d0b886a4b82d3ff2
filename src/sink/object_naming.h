// Object keys (docs/object-layout.md), in two dialects.
//
// Confluent (the default), exactly as the Confluent S3 sink writes them:
//
//   [<topics.dir>/]<topic>/<encoded partition>/<topic>+<kafka partition>+<start offset><ext>
//
// where '/' is directory.delim and '+' is file.delim, with the start offset zero-padded
// to filename.offset.zero.pad.width digits, e.g.
//   topics/orders/partition=2/orders+2+0000001000.json
//
// Aiven (`file.name.template`), as Aiven's S3 sink names files: the template is the
// whole key, e.g. `{{topic}}/{{partition:padding=true}}-{{start_offset:padding=true}}.gz`
// → `orders/0000000002-00000000000000001000.gz` (no topics.dir, no extension added).
// Variables: {{topic}}, {{partition:padding=true|false}} (10 digits),
// {{start_offset:padding=true|false}} (20 digits), {{timestamp:unit=yyyy|MM|dd|HH}},
// {{key}}, and {{end_offset:padding=true|false}} (Tributary's addition).
//
// How the template and the writer fit together: the Aiven dialect's partitioner
// (MakePartitioner with PartitionerOptions::file_name_template) returns, as the encoded
// partition, the template with every variable bound except the offsets. The writer groups
// records into files by it as with any partitioner, and DataObjectKey /
// FinalObjectKey bind the offsets. {{end_offset}} is known only when a file closes:
// when KeyNeedsEndOffset(), the key cannot be formed when the file is created: the
// writer holds such a file until it closes (kWriterBindsEndOffset).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace tributary {

// A parsed, validated file.name.template.
class FileNameTemplate {
 public:
  // Parses `text`. InvalidArgument naming file.name.template for: an unknown variable or
  // parameter, a missing {{timestamp:unit=...}}, a variable set Aiven's sink would not
  // accept ({{topic}}, {{partition}} and {{start_offset}} are required; {{key}} and
  // {{timestamp}} optional), or key-only templates (Aiven's compaction mode, which
  // rewrites one object per key; not supported).
  static Result<FileNameTemplate> Parse(std::string_view text);

  const std::string& text() const { return text_; }
  bool uses_key() const { return uses_key_; }
  bool uses_timestamp() const { return uses_timestamp_; }
  bool uses_end_offset() const { return uses_end_offset_; }

  // Binds everything but the offsets: the record's topic, partition, key (escaped like a
  // partition value; "null" for a null key) and the local fields of `timestamp_ms` in
  // `utc_offset_ms` (the caller's zone offset at that instant). The result is the
  // writer's "encoded partition" for this record.
  std::string BindRecord(const TopicPartition& tp, std::optional<std::string_view> key,
                         int64_t timestamp_ms, int64_t utc_offset_ms) const;

  // Binds the offsets in a BindRecord result. `end` nullopt leaves {{end_offset}} unbound.
  static std::string BindOffsets(std::string_view bound, Offset start, std::optional<Offset> end);

 private:
  std::string text_;
  bool uses_key_ = false;
  bool uses_timestamp_ = false;
  bool uses_end_offset_ = false;
};

struct NamingOptions {
  std::string topics_dir = "topics";
  int offset_pad_width = 10;
  std::string directory_delim = "/";  // directory.delim
  std::string file_delim = "+";       // file.delim
  // Aiven's dialect when set (file.name.template): encoded partitions are
  // FileNameTemplate::BindRecord results, and the options above are not used.
  std::string file_name_template;
};

// The key of a data object whose first record has offset `start_offset`. With a file
// name template that uses {{end_offset}} (KeyNeedsEndOffset), use FinalObjectKey instead;
// here {{end_offset}} would stay unbound.
std::string DataObjectKey(const NamingOptions& options, const TopicPartition& tp,
                          std::string_view encoded_partition, Offset start_offset,
                          std::string_view extension);

// The key of a data object holding offsets `start_offset`..`end_offset`, for callers that
// form the key when the file closes. The same as DataObjectKey without {{end_offset}}.
std::string FinalObjectKey(const NamingOptions& options, const TopicPartition& tp,
                           std::string_view encoded_partition, Offset start_offset,
                           Offset end_offset, std::string_view extension);

// True when the key depends on the last offset (file.name.template with {{end_offset}}).
bool KeyNeedsEndOffset(const NamingOptions& options);

// Whether the writer forms keys when files close (FinalObjectKey). It does: with
// {{end_offset}} a file is held in memory (no part is sent, so no multipart upload fixes
// its key) and closed at s3.part.size bytes at the latest; its key is bound at close,
// for one PUT (deterministic mode) or a one-part multipart upload the journal names
// (docs/object-layout.md, "{{end_offset}}").
inline constexpr bool kWriterBindsEndOffset = true;

}  // namespace tributary
