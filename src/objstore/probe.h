// ProbeConditionalWrites: checks at start-up that a store honours conditional writes.
//
// The exactly-once journal (DESIGN.md §4) fences zombies with If-None-Match: * and
// If-Match; a store (or a proxy in front of it) that silently ignores them would let two
// writers both "win". S3-compatible servers differ here, so the sink probes the store it
// was given before it relies on the journal.
#pragma once

#include <string_view>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary {

// Writes one probe object under `prefix` (e.g. "_tributary/probe/") with a random name
// and checks, in order:
//   1. Put If-None-Match: *  on the new key succeeds;
//   2. the same again fails with kPreconditionFailed or kAlreadyExists;
//   3. Put If-Match: <a wrong ETag> fails with kPreconditionFailed;
//   4. Put If-Match: <the current ETag> succeeds.
// The probe object is deleted afterwards whatever the outcome (best effort).
//
// Returns OK when all hold; kInvalidArgument "store <Describe()> does not honour
// conditional writes (If-None-Match/If-Match); the exactly-once journal needs them: <which
// step>" when the store accepted a write it should have refused or refused one it should
// have accepted; any other error of the store (unavailable, permission denied, ...) is
// returned as is, with the probe step as context.
//
// Thread safety: as safe as `store`; it writes only its own random key.
Status ProbeConditionalWrites(ObjectStore& store, std::string_view prefix);

}  // namespace tributary
