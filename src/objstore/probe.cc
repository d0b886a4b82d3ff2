#include "objstore/probe.h"

#include <string>

#include "common/strings.h"

namespace tributary {
namespace {

bool LostCondition(const Status& st) {
  return st.code() == StatusCode::kPreconditionFailed || st.code() == StatusCode::kAlreadyExists;
}

Status RunProbe(ObjectStore& store, const std::string& key) {
  auto not_honoured = [&](std::string_view what) {
    return InvalidArgument(
        "store {} does not honour conditional writes (If-None-Match/If-Match); the "
        "exactly-once journal needs them: probe object '{}': {}",
        store.Describe(), key, what);
  };
  PutOptions create;
  create.condition = PutOptions::Condition::kIfNoneMatch;
  auto first = store.Put(key, "probe 1", create);
  if (!first.ok()) {
    if (LostCondition(first.status())) {
      return not_honoured("If-None-Match: * on a new key was refused: " +
                          first.status().ToString());
    }
    return first.status().WithContext("conditional-write probe: create");
  }

  auto second = store.Put(key, "probe 2", create);
  if (second.ok()) return not_honoured("If-None-Match: * on an existing key succeeded");
  if (!LostCondition(second.status())) {
    return second.status().WithContext("conditional-write probe: create again");
  }

  PutOptions stale;
  stale.condition = PutOptions::Condition::kIfMatch;
  stale.if_match_etag = "0123456789abcdef0123456789abcdef";
  if (stale.if_match_etag == first->etag) stale.if_match_etag = "fedcba9876543210fedcba9876543210";
  auto wrong = store.Put(key, "probe 3", stale);
  if (wrong.ok()) return not_honoured("If-Match with a wrong ETag succeeded");
  if (wrong.status().code() != StatusCode::kPreconditionFailed) {
    return wrong.status().WithContext("conditional-write probe: If-Match with a wrong ETag");
  }

  PutOptions current;
  current.condition = PutOptions::Condition::kIfMatch;
  current.if_match_etag = first->etag;
  auto right = store.Put(key, "probe 4", current);
  if (!right.ok()) {
    if (LostCondition(right.status())) {
      return not_honoured("If-Match with the current ETag was refused: " +
                          right.status().ToString());
    }
    return right.status().WithContext("conditional-write probe: If-Match with the current ETag");
  }
  return Status::OK();
}

}  // namespace

Status ProbeConditionalWrites(ObjectStore& store, std::string_view prefix) {
  const std::string key = fmt::format("{}tributary-probe-{}", prefix, RandomHex(16));
  Status st = RunProbe(store, key);
  (void)store.Delete(key);  // best effort: a leftover probe object is harmless
  return st;
}

}  // namespace tributary
