#pragma once
// The embedded default in one piece: a mock Kafka cluster on 127.0.0.1 and a private PostgreSQL
// server, each started only when no real address was given. Used by `--demo`, the console's
// demo mode and the integration tests.
#include <memory>
#include <string>

#include "core/demo/embedded_kafka.h"
#include "core/demo/embedded_postgres.h"

namespace spillway {

struct DemoEnvironmentOptions {
    std::string bootstrap_servers;  // empty: start the embedded Kafka
    std::string pg;                 // empty: start the embedded PostgreSQL
    EmbeddedKafkaOptions kafka;
    EmbeddedPostgresOptions postgres;
};

class DemoEnvironment {
public:
    explicit DemoEnvironment(DemoEnvironmentOptions options);
    ~DemoEnvironment();

    void start();  // throws std::runtime_error naming the part that failed
    std::string bootstrap_servers() const;
    std::string conninfo() const;
    const std::string& topic() const { return options_.kafka.topic; }
    EmbeddedKafka* kafka() { return kafka_.get(); }           // null when real Kafka is used
    EmbeddedPostgres* postgres() { return postgres_.get(); }  // null when real PostgreSQL is used

    // Enough partitions that `events` of `payload_bytes` fit the mock cluster's per-partition
    // retention (about 5 MiB) with room to spare.
    static int partitions_for(int64_t events, int payload_bytes);

private:
    DemoEnvironmentOptions options_;
    std::unique_ptr<EmbeddedKafka> kafka_;
    std::unique_ptr<EmbeddedPostgres> postgres_;
};

}  // namespace spillway
