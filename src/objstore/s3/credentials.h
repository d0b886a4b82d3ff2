// Credentials providers: where S3 requests get their keys, in the AWS default chain's
// order, with temporary credentials refreshed before they expire.
//
// Chain order (MakeDefaultCredentialsChain), the first that yields credentials wins:
//   1. static keys from the config (aws.access.key.id / aws.secret.access.key)
//   2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME)
//      through STS AssumeRoleWithWebIdentity (an unsigned request)
//   4. shared files: AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and
//      AWS_CONFIG_FILE (~/.aws/config), profile AWS_PROFILE (default "default"),
//      including role_arn + source_profile (+ external_id) chains through STS AssumeRole
//   5. container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   6. EC2 instance metadata, IMDSv2 (token PUT, then the role's credentials);
//      AWS_EC2_METADATA_DISABLED=true skips it; AWS_EC2_METADATA_SERVICE_ENDPOINT moves it
// When options.role_arn is set, the chain's result is the base for an STS AssumeRole
// (with external id and session name), signed for service "sts" in options.sts_region.
// AWS_ENDPOINT_URL_STS overrides the STS endpoint (tests point it at a local responder).
//
// Errors: a provider that is not configured is skipped silently; one that is
// configured but fails (unreadable token file, STS refusal) stops the chain with an
// error naming the provider and the cause. Secrets never appear in messages or logs.
//
// Thread safety: Get() may be called from several threads at once. Temporary
// credentials are refreshed ahead of expiry (by 5 minutes at least) by one caller while
// the others keep using the still-valid cached ones, so uploads never stall on a
// refresh unless the credentials have actually expired.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "objstore/s3/sigv4.h"

namespace tributary {
namespace s3 {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials; refreshes them first when they are about to expire.
  virtual Result<Credentials> Get() = 0;
  // Where the credentials come from, for logs and errors: "environment",
  // "profile 'prod' in /root/.aws/credentials", "web identity (role arn:...)", ...
  virtual std::string Describe() const = 0;
};

struct CredentialsOptions {
  // Static keys from the config; both empty: use the chain.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // AssumeRole on top of the chain's credentials (sts.role.*).
  std::string role_arn;
  std::string role_session_name;  // "" = "tributary-<random>"
  std::string external_id;
  std::string sts_region;  // "" = the bucket's region
  std::string sts_endpoint;  // "" = AWS_ENDPOINT_URL_STS, else https://sts.<region>.amazonaws.com
  std::string region;      // s3.region, the default for STS
};

// Builds the chain described above. Resolution happens on the first Get(), so this
// fails only for contradictory options.
Result<std::shared_ptr<CredentialsProvider>> MakeDefaultCredentialsChain(
    const CredentialsOptions& options);

}  // namespace s3
}  // namespace tributary
