// Projection: turns values of one schema into values of another version of it, with the
// rules of Kafka Connect's SchemaProjector that the Confluent storage connectors apply
// under schema.compatibility=BACKWARD, FORWARD and FULL (compatibility.h):
//
//   types      equal, or a numeric promotion int → long → float → double (any number of
//              steps); logical types and decimal precision/scale equal
//   named      records, enums and fixed keep their full name; an enum's every symbol must
//              be a symbol of the target (indexes are remapped); fixed sizes equal
//   records    each target field takes the source field of the same name; a field the
//              source lacks takes its default (the field's "default"), else null when it
//              is optional, else the schemas do not project. Source fields the target
//              lacks are dropped.
//   optional   required → optional always; optional → required only when the target
//              field has a default, which a null value becomes
//   containers arrays and maps project element by element
//
// Make() checks the schemas once and returns a plan; Apply() runs it per value.
// Errors name the field path ("address.zip: ...").
//
// Thread safety: a Projection is immutable once made; Apply may run on any thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

class Projection {
 public:
  // The projection of values of `from` to `to`; kInvalidArgument when they do not project.
  static Result<Projection> Make(const Schema& from, const Schema& to);
  // `in` is a value of `from`; `out` becomes the value of `to`.
  Status Apply(const Value& in, Value* out) const;

  struct Node;

 private:
  explicit Projection(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

}  // namespace tributary
