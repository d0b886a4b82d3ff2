// LocalStore: a directory with S3's semantics (store.url=file:///root).
//
// Layout (docs/object-layout.md): bucket B is the directory <root>/B and object K is the
// file <root>/B/K, so lake tools can read the objects in place, as with MinIO's and
// s3rver's file modes. Writes are staged in <root>/.tributary-staging/ (a name no S3
// bucket can have) and renamed into place, so a reader never sees a partial object.
//
//   ETag      derived from the file's inode, size and modification time: it changes with
//             every Put, which is all conditional writes need (S3's ETags are not
//             always content hashes either).
//   If-None-Match: *  link(2) into place, which fails atomically if the key exists.
//   If-Match  an flock(2) on a per-key lock file serialises compare-and-rename across
//             threads and processes.
//   metadata  user extended attributes (user.tributary.meta.<name>) set on the staged
//             file before the rename, so they appear atomically with the object.
//
// Keys that cannot map to a path safely (empty, leading '/', "." or ".." segments,
// empty segments, NUL) are rejected with InvalidArgument.
//
// Thread safety: safe for concurrent use by threads and processes sharing the root.
#pragma once

#include <memory>
#include <string>

#include "objstore/object_store.h"

namespace tributary {

// `root` is a directory path (the part of file:// URL after the scheme). The bucket
// directory is created by CheckBucket when the root exists.
std::unique_ptr<ObjectStore> OpenLocalStore(std::string root, std::string bucket);

}  // namespace tributary
