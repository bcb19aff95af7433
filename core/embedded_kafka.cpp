#include "core/embedded_kafka.h"

#include "core/logging.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <QLoggingCategory>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <utility>

namespace spillway {

namespace {

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

void set_conf(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, name, value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
        throw std::runtime_error(std::string("kafka config ") + name + "=" + value + ": " + errstr);
}

}  // namespace

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

    ConfPtr conf(rd_kafka_conf_new());
    set_conf(conf.get(), "client.id", "spillway-mock-host");
    route_rdkafka_logs(conf.get(), &lcKafka);
    char errstr[512];
    // The handle only hosts the mock cluster; it never connects anywhere itself.
    HandlePtr host(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!host)
        throw std::runtime_error(std::string("embedded kafka: rd_kafka_new failed: ") + errstr);
    conf.release();  // owned by the handle from here on

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

std::vector<int64_t> query_end_offsets(const std::string& bootstrap_servers,
                                       const std::string& topic, int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
    const auto remaining_ms = [&] {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        return static_cast<int>(std::max<int64_t>(left.count(), 1));
    };

    ConfPtr conf(rd_kafka_conf_new());
    set_conf(conf.get(), "bootstrap.servers", bootstrap_servers);
    set_conf(conf.get(), "client.id", "spillway-offsets-probe");
    route_rdkafka_logs(conf.get(), &lcKafka);
    char errstr[512];
    // Watermark queries need no group, so none is joined and nothing is committed.
    HandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
    if (!rk)
        throw std::runtime_error(std::string("query_end_offsets: rd_kafka_new failed: ") + errstr);
    conf.release();

    // Metadata for all topics, not for this one: naming a topic in a metadata request lets the
    // mock cluster (and brokers with auto.create.topics.enable) create it on the spot.
    std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md;
    const rd_kafka_metadata_topic_t* found = nullptr;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    // A broker that is still connecting, or just came back up, fails the first request; retry
    // until the caller's deadline instead of surfacing a transient error.
    for (;;) {
        const rd_kafka_metadata_t* raw = nullptr;
        err = rd_kafka_metadata(rk.get(), 1, nullptr, &raw, remaining_ms());
        md.reset(raw);
        found = nullptr;
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md) {
            err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            for (int i = 0; i < md->topic_cnt; ++i) {
                if (topic == md->topics[i].topic) {
                    found = &md->topics[i];
                    err = found->err;
                    break;
                }
            }
        }
        // An answer without the topic is authoritative; waiting would not make it appear.
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || !found)
        throw std::runtime_error("query_end_offsets: metadata for topic '" + topic +
                                 "': " + rd_kafka_err2str(err));

    const rd_kafka_metadata_topic_t& meta = *found;
    std::vector<int64_t> ends(static_cast<size_t>(meta.partition_cnt), 0);
    for (int i = 0; i < meta.partition_cnt; ++i) {
        const int32_t partition = meta.partitions[i].id;
        if (partition < 0 || partition >= meta.partition_cnt)
            throw std::runtime_error("query_end_offsets: topic '" + topic +
                                     "' reports partition id " + std::to_string(partition) +
                                     " out of 0.." + std::to_string(meta.partition_cnt - 1));
        int64_t low = 0;
        int64_t high = 0;
        for (;;) {
            err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), partition, &low, &high,
                                                   remaining_ms());
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR || Clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("query_end_offsets: watermarks of '" + topic + "' [" +
                                     std::to_string(partition) + "]: " + rd_kafka_err2str(err));
        ends[static_cast<size_t>(partition)] = high;
    }
    return ends;
}

}  // namespace spillway
