// The SQL stage: a projection and filter written as one SELECT statement, compiled once
// into a tree of typed nodes (names and paths resolved, literals and date patterns
// pre-parsed), then evaluated per record with no parsing or name lookup beyond walking
// the record's own members.
//
//   SELECT a, b.c AS d, 'x' AS lit, UPPER(name), SHA256(email) AS email_hash
//   FROM orders WHERE n > 3 AND country IN ('FR', 'DE')
//
// Grammar, functions and typing are listed in docs/transforms.md ("SQL").
//
// Thread safety: a compiled query is immutable; Evaluate may run on many threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "transform/json_value.h"

namespace tributary {

// What a query can see of a record besides its value.
struct SqlRecordContext {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;            // -1: none (NULL)
  std::optional<std::string_view> key;  // as text
};

class SqlExpr;  // sql.cc

class SqlQuery {
 public:
  // InvalidArgument naming the position and what was expected.
  static Result<std::unique_ptr<SqlQuery>> Compile(std::string_view text);
  ~SqlQuery();

  // Projects `value` (a JSON object, or null) into `*out`. Returns false when WHERE
  // rejects the record. `schema`, when not null, is the input's Connect struct schema;
  // `*out_schema` then receives the output's.
  Result<bool> Evaluate(const JsonValue& value, const SqlRecordContext& ctx, JsonValue* out,
                        const JsonValue* schema, JsonValue* out_schema) const;

  // The FROM name as written (not checked against the record's topic).
  const std::string& from() const { return from_; }
  // The output column names, in order ("*" for SELECT *).
  std::vector<std::string> column_names() const;

 private:
  SqlQuery() = default;
  struct Column {
    std::string name;
    std::unique_ptr<SqlExpr> expr;
  };
  bool star_ = false;
  std::vector<Column> columns_;
  std::unique_ptr<SqlExpr> where_;
  std::string from_;
};

}  // namespace tributary
