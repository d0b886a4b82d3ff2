#include "schema/schema.h"

#include <fmt/core.h>

namespace tributary {

std::string Schema::FullName() const { return namespace_.empty() ? name : namespace_ + "." + name; }

const Schema& Schema::items() const { return fields.at(0).schema; }
const Schema& Schema::values() const { return fields.at(0).schema; }

bool operator==(const Schema& a, const Schema& b) {
  return a.type == b.type && a.logical == b.logical && a.optional == b.optional &&
         a.null_first == b.null_first && a.precision == b.precision && a.scale == b.scale &&
         a.fixed_size == b.fixed_size && a.name == b.name && a.namespace_ == b.namespace_ &&
         a.symbols == b.symbols && a.fields == b.fields && a.props == b.props;
}

Schema Primitive(SchemaType type, LogicalType logical) {
  Schema s;
  s.type = type;
  s.logical = logical;
  return s;
}

Schema Optional(Schema s) {
  s.optional = true;
  return s;
}

Schema ArrayOf(Schema items) {
  Schema s;
  s.type = SchemaType::kArray;
  s.fields.push_back(Field{"element", std::move(items), {}});
  return s;
}

Schema MapOf(Schema values) {
  Schema s;
  s.type = SchemaType::kMap;
  s.fields.push_back(Field{"value", std::move(values), {}});
  return s;
}

Schema RecordOf(std::string name, std::vector<Field> fields) {
  Schema s;
  s.type = SchemaType::kRecord;
  s.name = std::move(name);
  s.fields = std::move(fields);
  return s;
}

Schema DecimalOf(int precision, int scale) {
  Schema s = Primitive(SchemaType::kBytes, LogicalType::kDecimal);
  s.precision = precision;
  s.scale = scale;
  return s;
}

namespace {

std::string_view TypeName(SchemaType t) {
  switch (t) {
    case SchemaType::kNull:
      return "null";
    case SchemaType::kBoolean:
      return "boolean";
    case SchemaType::kInt:
      return "int";
    case SchemaType::kLong:
      return "long";
    case SchemaType::kFloat:
      return "float";
    case SchemaType::kDouble:
      return "double";
    case SchemaType::kBytes:
      return "bytes";
    case SchemaType::kString:
      return "string";
    case SchemaType::kRecord:
      return "record";
    case SchemaType::kEnum:
      return "enum";
    case SchemaType::kFixed:
      return "fixed";
    case SchemaType::kArray:
      return "array";
    case SchemaType::kMap:
      return "map";
  }
  return "?";
}

}  // namespace

std::string_view LogicalTypeName(LogicalType t) {
  switch (t) {
    case LogicalType::kNone:
      return "";
    case LogicalType::kDate:
      return "date";
    case LogicalType::kTimeMillis:
      return "time-millis";
    case LogicalType::kTimeMicros:
      return "time-micros";
    case LogicalType::kTimestampMillis:
      return "timestamp-millis";
    case LogicalType::kTimestampMicros:
      return "timestamp-micros";
    case LogicalType::kLocalTimestampMillis:
      return "local-timestamp-millis";
    case LogicalType::kLocalTimestampMicros:
      return "local-timestamp-micros";
    case LogicalType::kDecimal:
      return "decimal";
    case LogicalType::kUuid:
      return "uuid";
  }
  return "?";
}

std::string Describe(const Schema& s) {
  std::string out;
  if (s.logical == LogicalType::kDecimal) {
    out = fmt::format("decimal({},{})", s.precision, s.scale);
  } else if (s.logical != LogicalType::kNone) {
    out = std::string(LogicalTypeName(s.logical));
  } else if (s.type == SchemaType::kArray) {
    out = "array<" + Describe(s.items()) + ">";
  } else if (s.type == SchemaType::kMap) {
    out = "map<string," + Describe(s.values()) + ">";
  } else if (s.IsNamed()) {
    out = fmt::format("{} {}", TypeName(s.type), s.FullName());
  } else {
    out = std::string(TypeName(s.type));
  }
  return s.optional ? "optional " + out : out;
}

}  // namespace tributary
