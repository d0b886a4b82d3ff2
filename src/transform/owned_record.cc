#include "transform/owned_record.h"

namespace tributary {

void OwnedRecord::ViewInto(Record* view) const {
  view->topic = topic;
  view->partition = partition;
  view->offset = offset;
  view->timestamp_ms = timestamp_ms;
  view->key = key ? std::optional<std::string_view>(*key) : std::nullopt;
  view->value = value ? std::optional<std::string_view>(*value) : std::nullopt;
  view->value_datum = value_datum.get();
  view->headers.clear();
  for (const auto& h : headers) {
    view->headers.push_back(
        {h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
}

OwnedRecord OwnedRecord::CopyOf(const Record& r) {
  OwnedRecord o;
  o.topic = std::string(r.topic);
  o.partition = r.partition;
  o.offset = r.offset;
  o.timestamp_ms = r.timestamp_ms;
  if (r.key) o.key = std::string(*r.key);
  if (r.value) o.value = std::string(*r.value);
  if (r.value_datum) o.value_datum = std::make_shared<const SchemaDatum>(*r.value_datum);
  for (const auto& h : r.headers) {
    o.headers.push_back(
        {std::string(h.name),
         h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt});
  }
  return o;
}

}  // namespace tributary
