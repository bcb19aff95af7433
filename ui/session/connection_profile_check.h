#pragma once
// "Test connection": asks Kafka for metadata through a short-lived librdkafka handle and
// PostgreSQL for `SELECT 1`, each within a timeout, and says what failed and where
// ("Kafka at 127.0.0.1:9: connection refused"). Blocking: call them off the GUI thread.
#include <QString>
#include <chrono>

#include "ui/session/connection_profile.h"

namespace spillway {

struct ConnectionCheck {
    bool ok = false;
    QString message;  // a sentence for a person, naming the address
};

ConnectionCheck check_kafka(const ConnectionProfile& profile,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));
ConnectionCheck check_postgres(const ConnectionProfile& profile,
                               std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace spillway
