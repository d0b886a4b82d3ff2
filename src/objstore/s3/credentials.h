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
// (with external id and session name, DurationSeconds 3600), signed for service "sts" in
// the STS region: options.sts_region, else options.region, else AWS_REGION /
// AWS_DEFAULT_REGION, else us-east-1 (then on the global endpoint sts.amazonaws.com).
// STS endpoint: options.sts_endpoint, else AWS_ENDPOINT_URL_STS, else
// https://sts.<region>.amazonaws.com (tests point it at a local responder).
//
// Details of the links:
//   - Shared files: a profile is "[profile name]" ("[default]") in the config file and
//     "[name]" in the credentials file, the latter winning key by key. role_arn takes
//     source_profile (whose own role_arn is followed, up to 8 deep) or credential_source
//     (Environment, EcsContainer, Ec2InstanceMetadata), plus external_id,
//     role_session_name and duration_seconds. A profile without keys or role_arn (only a
//     region, say) is skipped; a profile named by AWS_PROFILE that does not exist is an
//     error. credential_process and SSO profiles are not supported (skipped).
//   - Container: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, re-read at each refresh, wins
//     over AWS_CONTAINER_AUTHORIZATION_TOKEN. An http:// FULL_URI must name a loopback
//     address, 169.254.170.2 or 169.254.170.23 literally (no DNS check is made).
//   - IMDS: IMDSv2 only (no fallback to v1), 1 s connect timeout. Not answering, or no
//     role attached, counts as "not configured", so off EC2 the chain ends with the
//     InvalidArgument below.
//   - Web identity: the token file is re-read at each refresh. Session names default to
//     "tributary-<random hex>" (AWS_ROLE_SESSION_NAME, role_session_name override).
// STS, container and IMDS calls are tried up to 3 times on transport errors, 5xx and 429
// (the IMDS token request once, to fail fast off EC2). curl's proxy variables
// (http_proxy, no_proxy) apply to IMDS and the container endpoint too: list
// 169.254.169.254 and 169.254.170.2 in no_proxy when a proxy is set.
//
// Errors: a provider that is not configured is skipped silently; one that is
// configured but fails (unreadable token file, STS refusal) stops the chain with an
// error naming the provider and the cause: kPermissionDenied when the service refused
// (401/403), kUnavailable for transport errors, 5xx and throttling (retriable),
// kInvalidArgument for bad configuration, kCorruption for unparseable responses. When
// nothing yields credentials, Get() returns kInvalidArgument listing every source tried
// and why it was skipped, and naming aws.access.key.id / aws.secret.access.key. A failed
// resolution is tried again by the next Get(); a successful one sticks to its provider.
// Secrets (secret keys, session tokens, web identity and authorization tokens) never
// appear in messages or logs.
//
// Thread safety: Get() may be called from several threads at once. Temporary
// credentials are refreshed ahead of expiry (by 5 minutes at least) by one caller while
// the others keep using the still-valid cached ones, so uploads never stall on a
// refresh unless the credentials have actually expired (then callers wait for the one
// refresh under way). Credentials issued with less than 5 minutes left are fetched again
// on every Get(). A refresh that fails while the cached credentials are still valid is
// logged as a warning and the cached ones are returned; the next attempt waits 10 s.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "objstore/s3/http_client.h"
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
  std::string sts_region;    // "" = the bucket's region
  std::string sts_endpoint;  // "" = AWS_ENDPOINT_URL_STS, else https://sts.<region>.amazonaws.com
  std::string region;        // s3.region, the default for STS
  // Proxy, CA bundle and TLS verification for the STS and container endpoint calls (the
  // store's own settings, typically). Timeouts are the chain's own (5 s connect for STS
  // and containers, 1 s for IMDS); IMDS takes none of these settings.
  HttpClientOptions http;
};

// Builds the chain described above. Resolution (reading the environment and files,
// calling endpoints) happens on the first Get(), so this fails only for contradictory
// options (one of access_key_id / secret_access_key without the other, a session token
// without keys, external id or session name without role_arn) — except that with
// role_arn the STS endpoint and region are read here, from options and the environment.
// The result is never null.
Result<std::shared_ptr<CredentialsProvider>> MakeDefaultCredentialsChain(
    const CredentialsOptions& options);

}  // namespace s3
}  // namespace tributary
