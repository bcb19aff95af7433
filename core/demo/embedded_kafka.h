#pragma once
// An embedded Kafka protocol peer: librdkafka's mock cluster listening on 127.0.0.1, reachable by
// any Kafka client (kcat too) through bootstrap_servers().
//
// Limits measured with librdkafka 2.0.2: each partition keeps only about 5 MiB or 100,000 message
// sets and silently drops older ones (a tiny retention); one thread serves all brokers; a fetch
// returns at most one message set per partition. Size partitions for what you preload.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace spillway {

struct EmbeddedKafkaOptions {
    int brokers = 3;
    std::string topic = "events";  // created at start(); empty: none
    int partitions = 6;
};

class EmbeddedKafka {
public:
    explicit EmbeddedKafka(EmbeddedKafkaOptions options = {});
    ~EmbeddedKafka();
    EmbeddedKafka(const EmbeddedKafka&) = delete;
    EmbeddedKafka& operator=(const EmbeddedKafka&) = delete;

    void start();  // throws std::runtime_error with librdkafka's message
    void stop();
    bool running() const;

    std::string bootstrap_servers() const;  // "127.0.0.1:p1,127.0.0.1:p2,..."
    const EmbeddedKafkaOptions& options() const { return options_; }

    void create_topic(const std::string& topic, int partitions);
    // Broker ids run from 1 to brokers. A down broker closes its connections and refuses new ones.
    void set_broker_down(int broker_id, bool down);

    rd_kafka_mock_cluster_s* mock_cluster() const { return cluster_; }

private:
    EmbeddedKafkaOptions options_;
    rd_kafka_s* host_ = nullptr;  // the rd_kafka_t that owns the mock cluster
    rd_kafka_mock_cluster_s* cluster_ = nullptr;
};



}  // namespace spillway
