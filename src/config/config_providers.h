// Kafka Connect config providers: references in config values that are replaced at
// start-up, so secrets stay out of config files (docs/config-providers.md).
//
//   config.providers=file,env,directory
//   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//   config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
//   config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
//   aws.secret.access.key=${file:/etc/tributary/s3.properties:secret}
//   s3.sse.customer.key=${directory:/run/secrets:sse-key}
//   aws.access.key.id=${env:S3_ACCESS_KEY}
//
// A reference is `${<provider>:[<path>:]<key>}`; a value may hold several, and text
// around them is kept. The providers Connect ships are implemented (short class names
// accepted too):
//   FileConfigProvider       <path> is a .properties file, <key> one of its keys
//   EnvVarConfigProvider     <key> is an environment variable (no path);
//                            param.allowlist.pattern limits which (a regex)
//   DirectoryConfigProvider  <path> is a directory, <key> a file in it; the value is the
//                            file's content
// Without a `config.providers` key (Connect declares providers in the worker config, so
// connector configs copied from a deployment have none), `file`, `env` and `directory`
// name these three providers. With it, only the providers it lists exist.
// File and directory providers honour `config.providers.<name>.param.allowed.paths`
// (comma-separated directories references must stay inside), as Kafka 3.8 does.
//
// Unlike Connect, which leaves a reference it cannot resolve in place, every reference
// must resolve: otherwise an InvalidArgument names the config key and the reference
// (provider, path and key are not secret) and says why, never the resolved values.
// The config.providers* keys are removed from the result.
//
// Thread safety: pure function (reads files and the environment).
#pragma once

#include "common/status.h"
#include "config/config.h"

namespace tributary {

Result<RawConfig> ResolveConfigProviders(RawConfig raw);

}  // namespace tributary
