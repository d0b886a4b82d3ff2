#include "kafka/protocol/message.h"

#include <cstdio>
#include <cstdlib>

namespace tributary::kafka {

Struct::Struct(const StructDef* def) : def_(def) {
  values_.resize(def->fields.size());
  for (size_t i = 0; i < def->fields.size(); ++i) {
    const FieldDef& f = def->fields[i];
    Value& v = values_[i];
    v.i = f.default_int;
    v.null = f.default_null;
    v.s = f.default_str;
    if (f.type == FieldType::kUuid) v.s.assign(16, '\0');
  }
}

int Struct::IndexOrDie(std::string_view name) const {
  int index = def_ ? def_->FieldIndex(name) : -1;
  if (index < 0) {
    std::fprintf(stderr, "tributary: bug: %s has no field '%.*s'\n",
                 def_ ? def_->name.c_str() : "(empty struct)", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return index;
}

Value& Struct::At(std::string_view name) { return values_[IndexOrDie(name)]; }
const Value& Struct::At(std::string_view name) const { return values_[IndexOrDie(name)]; }

Struct& Struct::SetInt(std::string_view name, int64_t v) {
  At(name).i = v;
  return *this;
}

Struct& Struct::SetStr(std::string_view name, std::string v) {
  Value& value = At(name);
  value.s = std::move(v);
  value.null = false;
  return *this;
}

Struct& Struct::SetNull(std::string_view name) {
  Value& value = At(name);
  value.null = true;
  value.s.clear();
  value.structs.clear();
  return *this;
}

Struct& Struct::Append(std::string_view name) {
  int index = IndexOrDie(name);
  const FieldDef& f = def_->fields[index];
  Value& value = values_[index];
  value.null = false;
  value.structs.emplace_back(f.fields.get());
  return value.structs.back();
}

}  // namespace tributary::kafka
