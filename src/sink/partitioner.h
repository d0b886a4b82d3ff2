// Partitioner: maps a record to its encoded partition, the directory part of its
// object key (Confluent's partitioner.class).
//
// Thread safety: stateless; callable from any thread.
#pragma once

#include <memory>
#include <string>

#include "format/record.h"

namespace tributary {

class Partitioner {
 public:
  virtual ~Partitioner() = default;
  virtual std::string Encode(const Record& record) const = 0;
};

// DefaultPartitioner: "partition=<kafka partition>".
std::unique_ptr<Partitioner> MakeDefaultPartitioner();

}  // namespace tributary
