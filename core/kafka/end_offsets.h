#pragma once
// The log-end offsets (high watermarks) of a topic, read through a plain consumer handle that
// joins no group and commits nothing. The demo and --stop-at-end use them to know when everything
// that existed is consumed; tests use them as ground truth. Any thread.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spillway {

// One entry per partition, indexed by partition id. Throws std::runtime_error naming the topic
// and partition when the cluster does not answer before the timeout. `properties` (librdkafka
// consumer properties: security, for a real cluster) are set before bootstrap.servers.
std::vector<int64_t> query_end_offsets(const std::string& bootstrap_servers,
                                       const std::string& topic, int timeout_ms = 10000,
                                       const std::map<std::string, std::string>& properties = {});

}  // namespace spillway
