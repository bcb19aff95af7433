#pragma once
// The consumer's fetch settings that an operator may change while the engine runs. librdkafka
// (2.0.2) reads them only when a consumer is created, so a change re-creates the consumer: the
// source commits what is durable, leaves the group and joins again with the new settings (a
// rebalance; what was in flight is re-read and dropped as duplicates).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway {

struct FetchSetting {
    const char* property;
    const char* meaning;
    int64_t min;
    int64_t max;
};

// The properties, in the order they are shown.
const std::vector<FetchSetting>& fetch_settings();
const FetchSetting* find_fetch_setting(const std::string& property);

// The source's consumer defaults (Spillway's own choices over librdkafka's), fetch ones included.
const std::map<std::string, std::string>& consumer_defaults();
// What the consumer uses for `property` given the start-up properties: those, else Spillway's
// default, else librdkafka 2.0.2's.
std::string effective_fetch_value(const std::string& property,
                                  const std::map<std::string, std::string>& configured);

// Empty when every entry names a fetch setting and holds a whole number in its range, else why
// not, naming the property.
std::string validate_fetch(const std::map<std::string, std::string>& fetch);

}  // namespace spillway
