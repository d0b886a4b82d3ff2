#include "sink/object_naming.h"

#include <fmt/format.h>

namespace tributary {

std::string DataObjectKey(const NamingOptions& options, const TopicPartition& tp,
                          std::string_view encoded_partition, Offset start_offset,
                          std::string_view extension) {
  const std::string& dir = options.directory_delim;
  const std::string& file = options.file_delim;
  std::string key;
  if (!options.topics_dir.empty()) key += options.topics_dir + dir;
  fmt::format_to(std::back_inserter(key), "{}{}{}{}{}{}{}{}{:0{}d}{}", tp.topic, dir,
                 encoded_partition, dir, tp.topic, file, tp.partition.value(), file,
                 start_offset.value(), options.offset_pad_width, extension);
  return key;
}

}  // namespace tributary
