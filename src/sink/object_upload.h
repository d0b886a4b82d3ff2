// ObjectUpload: one object being written, as an OutputStream (DESIGN.md §3, §5).
//
// Bytes appended are buffered until they fill a part (s3.part.size); each full part is
// handed to the UploadPool and sent while the writer goes on encoding, so a file never
// has to fit in memory. Finish() sends what is left and makes the object visible
// atomically: with one PUT when the whole object fits in a part (the common small-file
// case: one request instead of three), otherwise by completing the multipart upload.
//
// Metadata: S3 fixes an object's metadata when its upload starts, so a multipart
// object carries only what is known then (`metadata_at_start`); a single-PUT object
// gets `metadata_at_start` plus whatever Finish() adds.
//
// Spilling (buffer.spill.dir, sink/spill.h): with a SpillArea, bytes short of a part
// wait in a spill file instead of memory; only a staging buffer of up to kSpillChunk
// stays in memory (SpillBuffered() moves it to disk at once). A part is read back to be
// sent.
//
// Errors from parts in flight surface from the next Append() or from Finish(). After an
// error the caller calls Abort() (or lets the destructor do it): the multipart upload
// is aborted and nothing becomes visible.
//
// Thread safety: used by one writer thread; parts run on the pool's threads.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "format/output_stream.h"
#include "objstore/object_store.h"
#include "sink/spill.h"
#include "sink/upload_pool.h"

namespace tributary {

class ObjectUpload final : public OutputStream {
 public:
  // Borrows `store` and `pool`, which must outlive the upload.
  // `spill`, when not null, is borrowed too.
  ObjectUpload(ObjectStore* store, UploadPool* pool, std::string key, PutOptions options,
               uint64_t part_size, SpillArea* spill = nullptr);
  ~ObjectUpload() override;

  Status Append(std::string_view bytes) override;
  uint64_t Size() const override { return total_; }

  // Sends the rest and makes the object visible. `final_metadata` and `final_tags` are
  // added to a single-PUT object's (a multipart object's were fixed at start).
  Result<PutResult> Finish(const std::map<std::string, std::string>& final_metadata,
                           const std::map<std::string, std::string>& final_tags = {});

  // Sends what is buffered as a part now, to free memory (buffer.memory.bytes). Only
  // when at least kMinPartSize is unsent: S3 rejects smaller parts except the last.
  // Returns the bytes of buffered_bytes() freed (0 when too little is unsent).
  Result<uint64_t> SendBufferedPart();

  // The journal's two-step finish (docs/journal-format.md). Prepare sends the rest as
  // the last part of a multipart upload — creating the upload now, with
  // `final_metadata` added, when no part has been sent yet — and waits for every part.
  // The parts it returns are what the journal records. From then on the destructor no
  // longer aborts the upload, because a journal may name it; Complete() makes the
  // object visible, and only an explicit Abort() discards it.
  Result<std::vector<PartInfo>> Prepare(const std::map<std::string, std::string>& final_metadata,
                                        const std::map<std::string, std::string>& final_tags = {});
  bool prepared() const { return prepared_; }
  Result<PutResult> Complete();

  // Abandons the object: aborts the multipart upload without waiting for parts in
  // flight (they fail once it is aborted).
  void Abort();

  const std::string& upload_id() const { return upload_id_; }

  // Keeps every byte in memory until Finish()/Prepare(), so the key may still change:
  // for keys known only when the file closes ({{end_offset}}). The caller bounds the
  // file's size (a held file larger than a part still goes out as one part).
  void HoldUntilClose() { hold_ = true; }
  // Changes the key; only before any part was sent (a multipart upload's key is fixed).
  Status Rename(std::string key);

  const std::string& key() const { return key_; }
  bool multipart() const { return !upload_id_.empty(); }
  int parts() const { return next_part_ - 1; }
  // Memory held for bytes not yet handed to the pool: the buffer's allocation, which is
  // what the process pays (buffer.memory.bytes accounting).
  uint64_t buffered_bytes() const {
    return buffer_.capacity() > kInlineCapacity ? buffer_.capacity() : 0;
  }
  // Bytes not yet handed to the pool, in memory and spilled.
  uint64_t unsent_bytes() const { return held(); }
  // Bytes waiting in this upload's spill file (0 without spilling).
  uint64_t spilled_bytes() const { return spill_file_ ? spill_file_->size() : 0; }

  // With spilling on: moves the in-memory staging bytes to the spill file, and with
  // `release` gives their allocation back too. Returns the bytes of buffered_bytes()
  // freed (0 without spilling).
  Result<uint64_t> SpillBuffered(bool release = true);

  // Staging kept in memory before bytes go to the spill file.
  static constexpr uint64_t kSpillChunk = 64 << 10;

 private:
  Status SendPart(std::string data);
  // Bytes not yet handed to the pool, in memory and spilled.
  uint64_t held() const { return buffer_.size() + spilled_bytes(); }
  // Removes the first `n` (<= held()) of those bytes, spilled ones first, into `out`.
  Status TakeHeld(uint64_t n, std::string* out);
  // The first error among parts already finished; waits for all when `wait`.
  Status CollectParts(bool wait);

  ObjectStore* store_;
  UploadPool* pool_;
  std::string key_;
  bool hold_ = false;  // HoldUntilClose()
  PutOptions options_;
  const uint64_t part_size_;

  // What an empty std::string holds without allocating.
  static inline const size_t kInlineCapacity = std::string().capacity();
  std::string buffer_;
  SpillArea* spill_;                       // null: no spilling
  std::unique_ptr<SpillFile> spill_file_;  // created on the first spill
  uint64_t total_ = 0;
  std::string upload_id_;  // set when the first part is sent
  int next_part_ = 1;
  struct InFlight {
    std::shared_ptr<PartInfo> info;  // filled by the pool thread
    std::future<Status> done;
  };
  std::vector<InFlight> in_flight_;
  std::vector<PartInfo> done_parts_;
  bool finished_ = false;
  bool prepared_ = false;  // Prepare() succeeded: the upload may be in a journal
};

}  // namespace tributary
