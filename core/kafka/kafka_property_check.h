#pragma once
// librdkafka client properties given by people (the config file's [kafka] table, --kafka-property,
// the transport security options) checked the way the consumer will set them.
#include <string>

struct rd_kafka_conf_s;

namespace spillway {

// Sets one property on `conf`; returns "" or librdkafka's reason (it names the property), with
// the value replaced by ******** when the property is a secret.
std::string set_kafka_property(rd_kafka_conf_s* conf, const std::string& name,
                               const std::string& value);
// The same check on a throw-away configuration (for --check-config).
std::string kafka_property_problem(const std::string& name, const std::string& value);

}  // namespace spillway
