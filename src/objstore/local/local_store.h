// LocalStore: a directory with S3's semantics (store.url=file:///root).
//
// Layout (docs/object-layout.md): bucket B is the directory <root>/B and object K is the
// file <root>/B/K, so lake tools can read the objects in place, as with MinIO's and
// s3rver's file modes. Writes are staged in <root>/.tributary-staging/ (a name no S3
// bucket can have) and renamed into place, so a reader never sees a partial object.
//
//   ETag      derived from the file's inode, size and modification time: it changes with
//             every Put or Complete, which is all conditional writes need (S3's ETags are
//             not always content hashes either). Part ETags are the MD5 of the part.
//   If-None-Match: *  link(2) into place, which fails atomically if the key exists.
//   If-Match  an flock(2) on a per-key lock file serialises compare-and-rename across
//             threads and processes.
//   metadata  user extended attributes (user.tributary.meta.<name>, tags as
//             user.tributary.tag.<name>) set on the staged file before the rename, so they
//             appear atomically with the object.
//   multipart staged in <root>/.tributary-staging/uploads/<upload id>/ (a manifest and one
//             file per part); Complete concatenates the parts into a staged file and
//             publishes it like a Put, honouring If-None-Match, then removes the upload.
//   durable   every staged file is fsync'ed (data and xattrs) before its rename, and the
//             directory that receives the new name is fsync'ed after it (new directories
//             too), so an acknowledged write survives a crash of the process or machine.
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
