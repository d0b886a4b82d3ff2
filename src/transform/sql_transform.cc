// tributary.Sql: the SQL stage as a transform of the chain (sql.h).
#include "transform/sql.h"
#include "transform/transform.h"

namespace tributary {
namespace {

class SqlTransform final : public Transform {
 public:
  explicit SqlTransform(std::unique_ptr<SqlQuery> q) : query_(std::move(q)) {}

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& side = r.value();
    if (side.is_null()) return true;  // tombstones pass through untouched
    ASSIGN_OR_RETURN(ConnectData * d, side.RequireObject("SQL"));
    SqlRecordContext ctx;
    ctx.topic = r.topic();
    ctx.partition = r.partition().value();
    ctx.offset = r.offset().value();
    ctx.timestamp_ms = r.timestamp_ms();
    ctx.key = r.input().key;
    JsonValue out, out_schema;
    ASSIGN_OR_RETURN(
        bool keep,
        query_->Evaluate(d->value, ctx, &out, d->has_schema ? &d->schema : nullptr, &out_schema));
    if (!keep) return false;
    d->value = std::move(out);
    if (d->has_schema) d->schema = std::move(out_schema);
    return true;
  }

 private:
  std::unique_ptr<SqlQuery> query_;
};

}  // namespace

Result<std::unique_ptr<Transform>> MakeSqlTransform(const TransformProps& props) {
  ASSIGN_OR_RETURN(std::string text,
                   props.Required("query", "a SELECT ... FROM ... [WHERE ...] statement"));
  auto q = SqlQuery::Compile(text);
  if (!q.ok()) return q.status().WithContext(props.Key("query"));
  return std::unique_ptr<Transform>(std::make_unique<SqlTransform>(std::move(q).value()));
}

}  // namespace tributary
