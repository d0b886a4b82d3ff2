// Schema (schema/schema.h) → Parquet schema: the flattened SchemaElement list of the
// footer, the leaf columns, and the tree the shredder walks to produce repetition and
// definition levels (parquet-format README "Nested Encoding", LogicalTypes.md).
//
//   record            group (REQUIRED or OPTIONAL), no annotation
//   array             <rep> group name (LIST) { repeated group list { <rep> element } }
//   map               <rep> group name (MAP) { repeated group key_value {
//                        required binary key (STRING); <rep> value } }
//   boolean           BOOLEAN
//   int               INT32;  date: DATE;  time-millis: TIME(UTC, MILLIS) + TIME_MILLIS
//   long              INT64;  time-micros: TIME(UTC, MICROS) + TIME_MICROS;
//                     timestamp-millis/micros: TIMESTAMP(UTC, unit) + TIMESTAMP_MILLIS/MICROS;
//                     local-timestamp-*: TIMESTAMP(not UTC, unit) + the same ConvertedType
//   float, double     FLOAT, DOUBLE
//   string            BYTE_ARRAY STRING + UTF8;  uuid: FIXED_LEN_BYTE_ARRAY(16) UUID
//   enum              BYTE_ARRAY ENUM + ENUM (the symbol's text)
//   bytes, fixed(n)   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY(n)
//   decimal(p, s)     INT32 when p <= 9, INT64 when p <= 18, else FIXED_LEN_BYTE_ARRAY of
//                     the fewest bytes for p; DECIMAL(s, p) + DECIMAL with scale and
//                     precision also on the SchemaElement. p > 38 is rejected (Spark,
//                     Trino and Athena cannot read it as a decimal).
// Both the LogicalType and the ConvertedType are written, as LogicalTypes.md requires.
// Rejected with InvalidArgument naming the field: a top level that is not a record,
// null-typed fields, empty records.
//
// Thread safety: immutable after Make().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary::parquet {

enum class Physical {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixed = 7
};

// How min/max statistics compare values of a leaf (ColumnOrder TYPE_ORDER).
enum class SortOrder { kSigned, kUnsigned, kFloat, kSignedFixed };

// One SchemaElement of the footer.
struct Element {
  std::string name;
  bool has_type = false;
  Physical type = Physical::kInt32;
  int type_length = 0;
  int repetition = -1;  // REQUIRED 0, OPTIONAL 1, REPEATED 2; -1 for the root
  int num_children = -1;
  int converted = -1;              // ConvertedType, -1 none
  int scale = 0, precision = 0;    // DECIMAL
  const Schema* schema = nullptr;  // for the LogicalType; null for list/key_value groups
  enum class Group { kNone, kList, kMap } group = Group::kNone;
};

struct Leaf {
  std::vector<std::string> path;  // path_in_schema
  Physical type = Physical::kInt32;
  int type_length = 0;
  int max_def = 0, max_rep = 0;
  SortOrder order = SortOrder::kSigned;
  const Schema* schema = nullptr;  // the leaf's schema node; null for map keys
};

// The shredding tree.
struct Node {
  enum class Kind { kLeaf, kRecord, kList, kMap } kind = Kind::kLeaf;
  bool optional = false;
  int def = 0;  // definition level when this node is present
  int rep = 0;  // kList/kMap: repetition level of their repeated group
  int leaf = -1;
  int first_leaf = 0, end_leaf = 0;
  std::vector<Node> children;  // record: fields; list: {element}; map: {key, value}
};

class ParquetSchema {
 public:
  static Result<std::shared_ptr<const ParquetSchema>> Make(const Schema& schema);

  const Schema& schema() const { return *schema_; }
  const std::vector<Element>& elements() const { return elements_; }
  const std::vector<Leaf>& leaves() const { return leaves_; }
  const Node& root() const { return root_; }

 private:
  Status Build(const Schema& s, const std::string& name, std::vector<std::string> path, int def,
               int rep, bool optional, Node* node);
  Status Primitive(const Schema& s, const std::string& name, Element* e, Leaf* leaf);

  std::unique_ptr<Schema> schema_;  // pointers into it stay valid
  std::vector<Element> elements_;
  std::vector<Leaf> leaves_;
  Node root_;
};

}  // namespace tributary::parquet
