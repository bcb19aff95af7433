#include "core/demo/demo_environment.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spillway {

DemoEnvironment::DemoEnvironment(DemoEnvironmentOptions options) : options_(std::move(options)) {}

DemoEnvironment::~DemoEnvironment() = default;

void DemoEnvironment::start() {
    if (options_.pg.empty()) {
        postgres_ = std::make_unique<EmbeddedPostgres>(options_.postgres);
        try {
            postgres_->start();
        } catch (const std::exception& error) {
            throw std::runtime_error(std::string("embedded PostgreSQL: ") + error.what());
        }
    }
    if (options_.bootstrap_servers.empty()) {
        kafka_ = std::make_unique<EmbeddedKafka>(options_.kafka);
        try {
            kafka_->start();
        } catch (const std::exception& error) {
            throw std::runtime_error(std::string("embedded Kafka: ") + error.what());
        }
    }
}

std::string DemoEnvironment::bootstrap_servers() const {
    return kafka_ ? kafka_->bootstrap_servers() : options_.bootstrap_servers;
}

std::string DemoEnvironment::conninfo() const {
    return postgres_ ? postgres_->conninfo() : options_.pg;
}

int DemoEnvironment::partitions_for(int64_t events, int payload_bytes) {
    constexpr double kBudgetPerPartition = 3.0 * 1024 * 1024;  // of the ~5 MiB the mock keeps
    const double bytes = double(events) * double(payload_bytes + 64);
    return std::clamp(static_cast<int>(std::ceil(bytes / kBudgetPerPartition)), 6, 512);
}

}  // namespace spillway
