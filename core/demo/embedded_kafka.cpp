#include "core/demo/embedded_kafka.h"

#include "core/common/logging.h"
#include "core/kafka/kafka_handle.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <QLoggingCategory>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <utility>

namespace spillway {

EmbeddedKafka::EmbeddedKafka(EmbeddedKafkaOptions options) : options_(std::move(options)) {}

EmbeddedKafka::~EmbeddedKafka() {
    stop();
}

void EmbeddedKafka::start() {
    if (running())
        return;
    if (options_.brokers < 1)
        throw std::runtime_error("embedded kafka: brokers must be >= 1, got " +
                                 std::to_string(options_.brokers));

    const std::string client = "embedded kafka";
    KafkaConf conf = make_kafka_conf();
    set_kafka_property(conf.get(), client, "client.id", "spillway-mock-host");
    route_rdkafka_logs(conf.get(), &lcKafka);
    // The handle only hosts the mock cluster; it never connects anywhere itself.
    KafkaHandle host = make_kafka_handle(RD_KAFKA_PRODUCER, std::move(conf), client);

    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host.get(), options_.brokers);
    if (!cluster)
        throw std::runtime_error("embedded kafka: rd_kafka_mock_cluster_new failed for " +
                                 std::to_string(options_.brokers) + " brokers");

    // The mock binds to loopback today; a future librdkafka binding elsewhere would expose
    // test data on the network, so refuse rather than assume.
    const std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster);
    size_t begin = 0;
    while (begin <= bootstraps.size()) {
        size_t end = bootstraps.find(',', begin);
        if (end == std::string::npos)
            end = bootstraps.size();
        const std::string address = bootstraps.substr(begin, end - begin);
        if (address.rfind("127.0.0.1:", 0) != 0) {
            rd_kafka_mock_cluster_destroy(cluster);
            throw std::runtime_error("embedded kafka: mock broker not on 127.0.0.1: '" + address +
                                     "' (bootstraps '" + bootstraps + "')");
        }
        begin = end + 1;
    }

    host_ = host.release();
    cluster_ = cluster;
    qCInfo(lcKafka, "mock cluster with %d brokers at %s", options_.brokers, bootstraps.c_str());

    if (!options_.topic.empty()) {
        try {
            create_topic(options_.topic, options_.partitions);
        } catch (...) {
            stop();
            throw;
        }
    }
}

void EmbeddedKafka::stop() {
    if (cluster_) {
        rd_kafka_mock_cluster_destroy(cluster_);
        cluster_ = nullptr;
    }
    if (host_) {
        rd_kafka_destroy(host_);
        host_ = nullptr;
    }
}

bool EmbeddedKafka::running() const {
    return cluster_ != nullptr;
}

std::string EmbeddedKafka::bootstrap_servers() const {
    return cluster_ ? std::string(rd_kafka_mock_cluster_bootstraps(cluster_)) : std::string();
}

void EmbeddedKafka::create_topic(const std::string& topic, int partitions) {
    if (!cluster_)
        throw std::runtime_error("embedded kafka: create_topic('" + topic + "') before start()");
    const int replication = std::min(3, options_.brokers);
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("embedded kafka: create topic '" + topic + "' with " +
                                 std::to_string(partitions) +
                                 " partitions: " + rd_kafka_err2str(err));
    qCInfo(lcKafka, "topic %s: %d partitions, replication %d", topic.c_str(), partitions,
           replication);
}

void EmbeddedKafka::set_broker_down(int broker_id, bool down) {
    if (!cluster_)
        throw std::runtime_error("embedded kafka: set_broker_down before start()");
    if (broker_id < 1 || broker_id > options_.brokers)
        throw std::runtime_error("embedded kafka: no broker " + std::to_string(broker_id) +
                                 " (brokers 1.." + std::to_string(options_.brokers) + ")");
    const rd_kafka_resp_err_t err = down ? rd_kafka_mock_broker_set_down(cluster_, broker_id)
                                         : rd_kafka_mock_broker_set_up(cluster_, broker_id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("embedded kafka: set broker " + std::to_string(broker_id) +
                                 (down ? " down: " : " up: ") + rd_kafka_err2str(err));
    qCInfo(lcKafka, "broker %d %s", broker_id, down ? "down" : "up");
}

}  // namespace spillway
