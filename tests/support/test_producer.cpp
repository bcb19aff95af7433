#include "support/test_producer.h"

#include <stdexcept>

namespace spillway::test {

TestProducer::TestProducer(const std::string& bootstrap_servers) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", bootstrap_servers},
        {"linger.ms", "5"},
        {"queue.buffering.max.messages", "200000"},
    };
    for (const auto& [name, value] : settings) {
        if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(std::string(name) + ": " + error);
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, &TestProducer::delivered);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!producer_) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("cannot create the producer: ") + error);
    }
}

TestProducer::~TestProducer() {
    rd_kafka_flush(producer_, 10000);
    rd_kafka_destroy(producer_);
}

void TestProducer::send(const std::string& topic, const std::string& payload,
                        const std::string& key, const std::vector<Header>& headers,
                        Delivery* delivery) {
    rd_kafka_headers_t* kafka_headers = nullptr;
    if (!headers.empty()) {
        kafka_headers = rd_kafka_headers_new(headers.size());
        for (const Header& header : headers)
            rd_kafka_header_add(kafka_headers, header.name.data(),
                                static_cast<ssize_t>(header.name.size()),
                                header.value ? header.value->data() : nullptr,
                                header.value ? static_cast<ssize_t>(header.value->size()) : 0);
    }
    for (;;) {
        const rd_kafka_resp_err_t err = rd_kafka_producev(
            producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(payload.empty() ? nullptr : const_cast<char*>(payload.data()),
                             payload.size()),
            RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
            RD_KAFKA_V_HEADERS(kafka_headers), RD_KAFKA_V_OPAQUE(delivery), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            return;  // the message owns the headers now
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            if (kafka_headers)
                rd_kafka_headers_destroy(kafka_headers);
            throw std::runtime_error(std::string("produce failed: ") + rd_kafka_err2str(err));
        }
        rd_kafka_poll(producer_, 10);
    }
}

bool TestProducer::flush(int timeout_ms) {
    return rd_kafka_flush(producer_, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void TestProducer::delivered(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
    auto* delivery = static_cast<Delivery*>(message->_private);
    if (!delivery)
        return;
    if (message->err)
        delivery->error = rd_kafka_err2str(message->err);
    else
        delivery->offset = message->offset;
}

}  // namespace spillway::test
