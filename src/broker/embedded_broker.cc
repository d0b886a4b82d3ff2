#include "broker/embedded_broker.h"

#include <unistd.h>

#include <filesystem>

#include <spdlog/fmt/fmt.h>

namespace tributary::broker {

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(EmbeddedBrokerOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return IOError("--data-dir {}: {}", options.data_dir, ec.message());
  if (options.store_url.empty()) {
    std::filesystem::path root =
        std::filesystem::absolute(std::filesystem::path(options.data_dir) / "store", ec);
    if (!ec) std::filesystem::create_directories(root, ec);
    if (ec) return IOError("--data-dir {}: store directory: {}", options.data_dir, ec.message());
    options.store_url = "file://" + root.lexically_normal().string();
  }
  std::unique_ptr<EmbeddedBroker> b(new EmbeddedBroker(std::move(options)));
  EmbeddedBrokerOptions& o = b->options_;

  StoreOptions store_options;
  store_options.url = o.store_url;
  store_options.bucket = o.bucket;
  ASSIGN_OR_RETURN(b->store_, OpenObjectStore(store_options));
  if (Status st = b->store_->CheckBucket(); !st.ok()) {
    return Status(st.code(), fmt::format("store {}: {}", b->store_->Describe(), st.message()));
  }
  o.storage.data_dir = o.data_dir;
  o.storage.store = b->store_.get();
  auto storage = Storage::Open(o.storage);
  if (!storage.ok()) {
    return Status(storage.status().code(),
                  fmt::format("recovering {}: {}", o.data_dir, storage.status().message()));
  }
  b->storage_ = std::move(*storage);
  // Bind before building the handler: with port 0 the advertised port is the bound one.
  ASSIGN_OR_RETURN(b->port_, b->server_.Bind(o.listen_host, o.listen_port));
  o.broker.advertised_host = o.advertised_host.empty() ? o.listen_host : o.advertised_host;
  o.broker.advertised_port = o.advertised_port < 0 ? b->port_ : o.advertised_port;
  b->handler_ = std::make_unique<RequestHandler>(o.broker, b->storage_.get(), &b->groups_);
  b->server_.Serve(b->handler_.get());
  return b;
}

std::string EmbeddedBroker::bootstrap() const {
  return fmt::format("{}:{}", options_.broker.advertised_host, options_.broker.advertised_port);
}

Status EmbeddedBroker::Stop() {
  if (stopped_ || !storage_) return Status::OK();
  stopped_ = true;
  groups_.Shutdown();
  server_.Stop();
  return storage_->PackNow();
}

}  // namespace tributary::broker
