#include "core/kafka/fetch_settings.h"

#include <charconv>

namespace spillway {

namespace {

// librdkafka 2.0.2's defaults and ranges (CONFIGURATION.md of that release).
struct LibrdkafkaDefault {
    const char* property;
    const char* value;
};
constexpr LibrdkafkaDefault kLibrdkafkaDefaults[] = {
    {"fetch.min.bytes", "1"},          {"fetch.wait.max.ms", "500"},
    {"fetch.max.bytes", "52428800"},   {"max.partition.fetch.bytes", "1048576"},
    {"queued.min.messages", "100000"}, {"queued.max.messages.kbytes", "65536"},
    {"fetch.error.backoff.ms", "500"},
};

}  // namespace

const std::vector<FetchSetting>& fetch_settings() {
    static const std::vector<FetchSetting> settings = {
        {"fetch.min.bytes", "least data a fetch waits for", 1, 100'000'000},
        {"fetch.wait.max.ms", "longest a fetch waits for fetch.min.bytes", 0, 300'000},
        {"fetch.max.bytes", "most data per fetch response", 0, 2'147'483'135},
        {"max.partition.fetch.bytes", "most data per partition and fetch", 1, 1'000'000'000},
        {"queued.min.messages", "messages prefetched per partition", 1, 10'000'000},
        {"queued.max.messages.kbytes", "prefetch buffer per partition, KiB", 1, 2'097'151},
        {"fetch.error.backoff.ms", "wait before fetching again after an error", 0, 300'000},
    };
    return settings;
}

const FetchSetting* find_fetch_setting(const std::string& property) {
    for (const FetchSetting& setting : fetch_settings())
        if (property == setting.property)
            return &setting;
    return nullptr;
}

// Defaults for a consumer that drains fast: librdkafka's default queued.min.messages (100,000)
// makes a fast consumer stall about half a second each time its local queue runs low, and a long
// fetch.wait.max.ms adds latency at low rates. Memory stays capped by queued.max.messages.kbytes,
// which trades memory for large events' rate: librdkafka's 64 MiB fills while the queue is full
// (peak RSS 241 MiB with a 100,000-event queue of 300 B events), 16 MiB halved that but starved
// the writers of 5 KB events (zstd 10,000 rows/s against 16,800), 32 MiB held 193 MiB and
// 12,100 rows/s (spillway_bench_e2e on the 2-core build machine).
const std::map<std::string, std::string>& consumer_defaults() {
    static const std::map<std::string, std::string> defaults = {
        {"enable.auto.commit", "false"},    {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},  {"enable.partition.eof", "false"},
        {"queued.min.messages", "1000000"}, {"queued.max.messages.kbytes", "32768"},
        {"fetch.wait.max.ms", "10"},        {"fetch.error.backoff.ms", "50"},
        {"session.timeout.ms", "10000"},    {"heartbeat.interval.ms", "1000"},
        {"client.id", "spillway"},
    };
    return defaults;
}

std::string effective_fetch_value(const std::string& property,
                                  const std::map<std::string, std::string>& configured) {
    if (const auto it = configured.find(property); it != configured.end())
        return it->second;
    if (const auto it = consumer_defaults().find(property); it != consumer_defaults().end())
        return it->second;
    for (const LibrdkafkaDefault& fallback : kLibrdkafkaDefaults)
        if (property == fallback.property)
            return fallback.value;
    return {};
}

std::string validate_fetch(const std::map<std::string, std::string>& fetch) {
    for (const auto& [property, value] : fetch) {
        const FetchSetting* setting = find_fetch_setting(property);
        if (!setting)
            return "\"" + property +
                   "\" is not a fetch setting that can change at runtime (fetch.min.bytes, "
                   "fetch.wait.max.ms, fetch.max.bytes, max.partition.fetch.bytes, "
                   "queued.min.messages, queued.max.messages.kbytes, fetch.error.backoff.ms)";
        int64_t number = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), number);
        if (value.empty() || error != std::errc() || end != value.data() + value.size())
            return property + " must be a whole number (got \"" + value + "\")";
        if (number < setting->min || number > setting->max)
            return property + " must be between " + std::to_string(setting->min) + " and " +
                   std::to_string(setting->max) + " (got " + value + ")";
    }
    // librdkafka refuses a fetch.max.bytes below max.partition.fetch.bytes only at consumer
    // creation; say so now instead.
    const auto number = [&](const char* property) -> std::optional<int64_t> {
        const auto it = fetch.find(property);
        return it == fetch.end() ? std::nullopt : std::optional<int64_t>(std::stoll(it->second));
    };
    if (const auto total = number("fetch.max.bytes"), per = number("max.partition.fetch.bytes");
        total && per && *total < *per)
        return "fetch.max.bytes must be at least max.partition.fetch.bytes (" +
               std::to_string(*per) + ")";
    return {};
}

}  // namespace spillway
