// Object keys, exactly as the Confluent S3 sink writes them (docs/object-layout.md):
//
//   [<topics.dir>/]<topic>/<encoded partition>/<topic>+<kafka partition>+<start offset><ext>
//
// where '/' is directory.delim and '+' is file.delim.
//
// with the start offset zero-padded to filename.offset.zero.pad.width digits, e.g.
//   topics/orders/partition=2/orders+2+0000001000.json
#pragma once

#include <string>
#include <string_view>

#include "common/types.h"

namespace tributary {

struct NamingOptions {
  std::string topics_dir = "topics";
  int offset_pad_width = 10;
  std::string directory_delim = "/";  // directory.delim
  std::string file_delim = "+";       // file.delim
};

std::string DataObjectKey(const NamingOptions& options, const TopicPartition& tp,
                          std::string_view encoded_partition, Offset start_offset,
                          std::string_view extension);

}  // namespace tributary
