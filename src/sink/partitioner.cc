#include "sink/partitioner.h"

#include <fmt/format.h>

namespace tributary {
namespace {

class DefaultPartitioner final : public Partitioner {
 public:
  Result<std::string> Encode(const Record& record, int64_t /*now_ms*/) const override {
    return fmt::format("partition={}", record.partition.value());
  }
};

}  // namespace

Result<PartitionerOptions> ParsePartitionerOptions(const Config& config) {
  PartitionerOptions o;
  o.partitioner_class = config.GetString("partitioner.class");
  o.directory_delim = config.GetRawString("directory.delim");
  return o;
}

Result<std::unique_ptr<Partitioner>> MakePartitioner(const PartitionerOptions& /*options*/) {
  return std::unique_ptr<Partitioner>(std::make_unique<DefaultPartitioner>());
}

}  // namespace tributary
