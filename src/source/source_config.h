// SourceConfig: the validated configuration of `tributary source` (docs/source.md).
//
// The source reads the sink's keys for the store, layout, format and compression through
// SinkConfig::FromRaw (so a sink's config file is a valid start), plus its own keys
// (config/source_keys.cc). Every check that needs no network runs here, and errors name
// the key.
//
// Thread safety: a plain value.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "sink/sink_config.h"
#include "source/replay_settings.h"

namespace tributary {

struct SourceConfig {
  // The sink's view of the shared keys: store, topics, topics.dir, naming, format, codec,
  // bootstrap.servers, producer.override.* (producer_overrides).
  SinkConfig sink;
  // Everything the replay reads: the source's own keys, and the sink's it needs.
  ReplaySettings replay;

  std::vector<std::string> unused_keys;

  const std::string& name() const { return sink.name; }

  static Result<SourceConfig> FromRaw(RawConfig raw);
};

}  // namespace tributary
