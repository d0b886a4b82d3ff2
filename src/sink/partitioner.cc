#include "sink/partitioner.h"

#include <fmt/format.h>

namespace tributary {
namespace {

class DefaultPartitioner final : public Partitioner {
 public:
  std::string Encode(const Record& record) const override {
    return fmt::format("partition={}", record.partition.value());
  }
};

}  // namespace

std::unique_ptr<Partitioner> MakeDefaultPartitioner() {
  return std::make_unique<DefaultPartitioner>();
}

}  // namespace tributary
