// EmbeddedBroker: a whole `tributary broker` (object store, Storage, GroupCoordinator,
// RequestHandler, Server) owned by one object, so `tributary broker` and the embedded
// default behind `tributary quickstart` start and stop it the same way.
//
// Thread safety: Start, Stop and the destructor from one thread; the broker serves
// clients on its own threads meanwhile. Storage() may be used from any thread (see
// storage.h) until Stop.
#pragma once

#include <memory>
#include <string>

#include "broker/group_coordinator.h"
#include "broker/request_handler.h"
#include "broker/server.h"
#include "broker/storage.h"
#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary::broker {

struct EmbeddedBrokerOptions {
  std::string data_dir;  // created if missing: WAL, metadata log, default store
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;          // 0: a free port, see port()
  std::string advertised_host;  // "" : listen_host
  int advertised_port = -1;     // -1: the bound port
  std::string store_url;        // "" : file://<data_dir>/store
  std::string bucket = "tributary";
  StorageOptions storage;  // data_dir and store are filled in by Start
  BrokerOptions broker;    // advertised address is filled in by Start
};

class EmbeddedBroker {
 public:
  // Opens the store (checking its bucket), recovers the storage from data_dir, binds
  // the listener and starts serving. Errors name the step that failed.
  static Result<std::unique_ptr<EmbeddedBroker>> Start(EmbeddedBrokerOptions options);
  ~EmbeddedBroker() { (void)Stop(); }

  // Stops serving (group waits woken, connections closed) and packs the WAL into a
  // last object. Idempotent; returns the final pack's status.
  Status Stop();

  const std::string& listen_host() const { return options_.listen_host; }
  int port() const { return port_; }
  // "advertised_host:advertised_port": what clients use as bootstrap.servers.
  std::string bootstrap() const;
  std::string store_description() const { return store_->Describe(); }
  Storage* storage() { return storage_.get(); }

 private:
  explicit EmbeddedBroker(EmbeddedBrokerOptions options) : options_(std::move(options)) {}

  EmbeddedBrokerOptions options_;
  int port_ = 0;
  bool stopped_ = false;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Storage> storage_;
  GroupCoordinator groups_;
  std::unique_ptr<RequestHandler> handler_;
  Server server_;  // declared last: destroyed (connections closed) first
};

}  // namespace tributary::broker
